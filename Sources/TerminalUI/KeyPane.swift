import Explorer
import Foundation
import ProviderAPI

/// The key status: the key's id and fingerprint, its age, where it comes from, the
/// token's countdown, the last request and where the data comes from.
enum KeyPane {
    struct Props {
        enum Last { case none, ok, failed }
        let info: KeyInfo
        /// The rejection and what to do, when the last request was refused.
        let rejection: String?
        let lastRequest: String
        let last: Last
        /// When the key was made ("2026-11-19 10:00 UTC") and how long ago.
        let created: String?
        let keyAge: String?
        let tokenSecondsLeft: Int?
        let origin: String
    }

    static func draw(_ k: Props, _ c: inout Canvas, _ r: Rect, _ theme: Theme) {
        let rejected = k.rejection != nil
        c.box(r, title: rejected ? "Key: REJECTED" : "Key", style: rejected ? theme.error : theme.border,
              titleStyle: rejected ? theme.error : theme.header)
        let inner = Rect(x: r.x + 2, y: r.y + 1, width: r.width - 4, height: r.height - 2)
        guard inner.width > 10 else { return }
        var y = inner.y
        func field(_ name: String, _ value: String, _ style: Style = .plain) {
            guard y < inner.maxY else { return }
            c.put(name, x: inner.x, y: y, width: Metrics.keyLabel, style: theme.label)
            c.put(value, x: inner.x + Metrics.keyLabel + 1, y: y, style: style, maxWidth: inner.width - Metrics.keyLabel - 1)
            y += 1
        }
        if let rejection = k.rejection {
            field("Last request", k.lastRequest, theme.error)
            // The advice, wrapped over the lines left.
            y += c.putWrapped(rejection, x: inner.x, y: y, width: inner.width, maxLines: inner.maxY - y, style: theme.error)
        }
        field("Key id", "\(k.info.keyId)  \(k.info.algorithm)")
        // A fingerprint is compared character by character: it is never cut. It moves to
        // a line of its own when it does not fit beside its label.
        let fingerprint = k.info.fingerprint
        if DisplayWidth.of(fingerprint) <= inner.width - Metrics.keyLabel - 1 {
            field("Fingerprint", fingerprint)
        } else if DisplayWidth.of(fingerprint) <= inner.width, y + 1 < inner.maxY {
            field("Fingerprint", "")
            c.put(fingerprint, x: inner.x, y: y, maxWidth: inner.width)
            y += 1
        } else {
            field("Fingerprint", "(wider terminal shows it)", theme.label)
        }
        if let created = k.created {
            field("Created", "\(created) (\(k.keyAge ?? "?"))")
        }
        if k.info.source.hasPrefix("command ") {
            field("Key from", k.info.source)
        } else {
            field("File", "\(k.info.source) \(k.info.permission)")
        }
        if let left = k.tokenSecondsLeft {
            field("Token", String(format: "expires in %d:%02d", left / 60, left % 60), left < 30 ? theme.warning : .plain)
        } else {
            field("Token", "not minted yet", theme.label)
        }
        if !rejected {
            field("Last request", k.lastRequest, k.last == .failed ? theme.error : k.last == .none ? theme.label : theme.ok)
        }
        field("Source", k.origin)
    }
}


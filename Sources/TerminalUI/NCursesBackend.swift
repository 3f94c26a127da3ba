import CNcursesw
import Foundation
import Synchronization

/// The only code that calls ncurses: sets the terminal up, copies a Canvas to the
/// screen (ncurses sends only the cells that changed), reads keys, and restores the
/// terminal on every way out.
@MainActor
final class NCursesBackend {
    private var pairs: [UInt16: Int16] = [:]
    private(set) var colors: Bool
    /// The standard screen, as initscr returns it (the global is not concurrency-safe to name).
    private let window: UnsafeMutablePointer<WINDOW>

    // Attribute bits of ncurses (NCURSES_BITS), which Swift cannot import as macros.
    static let aUnderline: UInt32 = 1 << 17
    static let aReverse: UInt32 = 1 << 18
    static let aDim: UInt32 = 1 << 20
    static let aBold: UInt32 = 1 << 21

    /// Sets the terminal up: UTF-8 locale, no echo, keypad and mouse, invisible cursor.
    /// Nil when the terminal type is unknown (TERM unset or wrong).
    init?(wantColors: Bool) {
        if setlocale(LC_ALL, "") == nil || !Self.localeIsUTF8() { _ = setlocale(LC_ALL, "C.UTF-8") }
        guard pe_newterm() != nil, let window = pe_stdscr() else { return nil }
        self.window = window
        TerminalRestore.screenIsUp.store(true, ordering: .sequentiallyConsistent)
        atexit { TerminalRestore.restore() }
        _ = cbreak()
        _ = noecho()
        _ = nonl()
        _ = keypad(window, true)
        _ = nodelay(window, true)
        _ = curs_set(0)
        set_escdelay(25)
        _ = mousemask(mmask_t(0x0FFF_FFFF), nil)
        _ = mouseinterval(0)
        colors = wantColors && has_colors()
        if colors {
            _ = start_color()
            _ = use_default_colors()
        }
    }

    static func localeIsUTF8() -> Bool {
        guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    var size: (width: Int, height: Int) { (Int(getmaxx(window)), Int(getmaxy(window))) }

    /// Copies the canvas into ncurses' screen and lets it send the difference.
    func draw(_ canvas: Canvas) {
        for y in 0..<canvas.height {
            var x = 0
            while x < canvas.width {
                let style = canvas[x, y].style
                var run = ""
                let start = x
                while x < canvas.width, canvas[x, y].style == style {
                    run += canvas[x, y].text
                    x += 1
                }
                // The bottom-right cell cannot be written without scrolling some terminals.
                if y == canvas.height - 1, x == canvas.width, !run.isEmpty { run.removeLast() }
                let (attrs, pair) = attributes(style)
                _ = wattr_set(window, attr_t(attrs), pair, nil)
                _ = mvwaddstr(window, Int32(y), Int32(start), run)
            }
        }
        _ = wattr_set(window, 0, 0, nil)
        _ = wnoutrefresh(window)
        _ = doupdate()
    }

    private func attributes(_ style: Style) -> (UInt32, Int16) {
        var a: UInt32 = 0
        if style.bold { a |= Self.aBold }
        if style.dim { a |= Self.aDim }
        if style.reverse { a |= Self.aReverse }
        if style.underline { a |= Self.aUnderline }
        let p = colors && (style.fg != .default || style.bg != .default) ? pair(style.fg, style.bg) : 0
        return (a, p)
    }

    private func pair(_ fg: Color, _ bg: Color) -> Int16 {
        let key = UInt16(fg.rawValue) << 8 | UInt16(bg.rawValue)
        if let p = pairs[key] { return p }
        let p = Int16(pairs.count + 1)
        guard Int32(p) < pe_color_pairs() else { return 0 }
        _ = init_pair(p, curses(fg), curses(bg))
        pairs[key] = p
        return p
    }

    private func curses(_ c: Color) -> Int16 {
        switch c {
        case .default: return -1
        case .black: return Int16(COLOR_BLACK)
        case .red: return Int16(COLOR_RED)
        case .green: return Int16(COLOR_GREEN)
        case .yellow: return Int16(COLOR_YELLOW)
        case .blue: return Int16(COLOR_BLUE)
        case .magenta: return Int16(COLOR_MAGENTA)
        case .cyan: return Int16(COLOR_CYAN)
        case .white: return Int16(COLOR_WHITE)
        case .gray: return pe_colors() >= 16 ? 8 : Int16(COLOR_WHITE)
        }
    }

    /// Every key waiting, without blocking.
    func readKeys() -> [Key] {
        var keys: [Key] = []
        while keys.count < 256 {
            var ch: wint_t = 0
            let rc = wget_wch(window, &ch)
            if rc == ERR { break }
            if rc == KEY_CODE_YES {
                keys.append(Self.functionKey(Int32(ch)))
            } else {
                keys.append(Self.character(UInt32(ch)))
            }
        }
        return keys
    }

    static func character(_ code: UInt32) -> Key {
        switch code {
        case 3: return .ctrlC
        case 12: return .redraw
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        default:
            guard code >= 32, let scalar = Unicode.Scalar(code) else { return .unknown }
            return .char(Character(scalar))
        }
    }

    static func functionKey(_ code: Int32) -> Key {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BACKSPACE: return .backspace
        case KEY_BTAB: return .backTab
        case KEY_RESIZE: return .resize
        case KEY_MOUSE:
            var event = MEVENT()
            guard getmouse(&event) == OK else { return .unknown }
            let state = UInt(event.bstate)
            if state & 0x0001_0000 != 0 { return .mouse(x: Int(event.x), y: Int(event.y), kind: .wheelUp) }      // BUTTON4_PRESSED
            if state & 0x0020_0000 != 0 { return .mouse(x: Int(event.x), y: Int(event.y), kind: .wheelDown) }    // BUTTON5_PRESSED
            if state & 0x0000_0006 != 0 { return .mouse(x: Int(event.x), y: Int(event.y), kind: .click) }        // BUTTON1 pressed/clicked
            return .unknown
        default: return .unknown
        }
    }

    /// Puts `text` on the terminal's clipboard with OSC 52 (xterm, kitty, WezTerm,
    /// iTerm2; tmux with `set-clipboard on`). Written straight to the terminal: the
    /// sequence draws nothing, so ncurses' picture of the screen stays true.
    func copyToClipboard(_ text: String) {
        let sequence = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
        _ = fflush(nil)   // every stdio stream, ours included
        _ = sequence.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }

    /// After a resize or Ctrl-L: the next frame is sent whole, over a cleared screen,
    /// so nothing a terminal kept of the old size (a stray character) survives.
    func repaintAll() { _ = wclear(window) }

    func end() { TerminalRestore.restore() }
}

/// Restores the terminal exactly once, from a normal quit, a signal or an exit.
enum TerminalRestore {
    static let screenIsUp = Atomic<Bool>(false)

    static func restore() {
        guard screenIsUp.exchange(false, ordering: .sequentiallyConsistent) else { return }
        // A terminal without an alternate screen (vt100) would keep the last frame.
        if let window = pe_stdscr() { _ = werase(window); _ = wrefresh(window) }
        _ = curs_set(1)
        _ = endwin()
    }
}

/// Organization names in several scripts, so that every screen meets accented Latin,
/// CJK, Cyrillic, Greek and (once) an emoji.
public enum Names {
    static let latin = ["Contoso", "Fabrikam", "Northwind Traders", "Tailspin Toys", "Woodgrove Bank", "Adatum",
                        "Litware", "Proseware", "Wingtip Toys", "Fourth Coffee", "Alpine Ski House", "Blue Yonder Airlines",
                        "Coho Winery", "Lucerne Publishing", "Margie's Travel", "Trey Research", "Wide World Importers",
                        "Humongous Insurance", "Graphic Design Institute", "Southridge Video", "Relecloud", "Lamna Healthcare",
                        "Fincher Architects", "VanArsdel", "Munson's Pickles", "Best For You Organics", "Datum Corporation"]
    static let accented = ["Société Générale d'Études", "Müller & Söhne", "Łódź Logistyka", "Øresund Shipping",
                           "Café Naïve", "Ångström Labs", "Señor Datos", "Žalgiris Technologijos", "Českomoravská Data",
                           "Crème Brûlée Bakery", "Ærø Fiskeri", "São João Telecom", "Göteborgs Hamn", "Dvořák Audio"]
    static let cjk = ["東京データ", "北京科技", "서울 소프트", "大阪物流", "上海云服务", "台北設計", "名古屋精密", "부산 해운",
                      "深圳智能硬件", "京都伝統工芸", "広州貿易", "인천 바이오"]
    static let cyrillicGreek = ["Рога и Копыта", "Северсталь ИТ", "Київ Софт", "Αθηνά Σύμβουλοι", "Θεσσαλονίκη Λογισμικό"]
    static let latinSuffixes = ["Ltd", "GmbH", "Inc", "LLC", "S.A.", "AB", "Oy", "BV", "Sp. z o.o.", "SRL", "ApS", "AG"]
    static let cjkSuffixes = ["株式会社", "有限公司", "주식회사", "合同会社"]
    static let emojiName = "Rocket 🚀 Labs"
    /// Names that must come out of every output as data, never as commands: to a
    /// terminal (OSC 52 clipboard write, clear screen, red, 8-bit CSI, bell, NUL, DEL),
    /// to a CSV reader (CR LF, quotes, commas) and to a spreadsheet (formulas).
    public static let hostile = [
        "Evil\u{1B}]52;c;ZXZpbA==\u{07}\u{1B}[2J\u{1B}[31mCorp\r\nInjected",
        "=HYPERLINK(\"http://evil.example\",\"Invoice\")",
        "+cmd|' /C calc'!A0",
        "-2+3 Holdings",
        "@SUM(1+1) Ltd",
        "\tTabbed GmbH",
        "\rCarriage AB",
        "Eight\u{9B}31mBit CSI Oy",
        "Quote \"Inc\", with, commas",
        "Bell\u{07}Nul\u{00}Del\u{7F} AG",
    ]
    static let nfrName = "Demo MSP Internal (NFR)"

    /// The name of organization `index`, drawn from `h`.
    static func name(index: Int, hash h: UInt64) -> String {
        let pick = Int(h % 100)
        let n = Int((h >> 8) % 1_000_003)
        let base: String
        switch pick {
        case 0..<62:
            base = latin[n % latin.count] + " " + latinSuffixes[(n / 7) % latinSuffixes.count]
        case 62..<80:
            base = accented[n % accented.count] + " " + latinSuffixes[(n / 5) % latinSuffixes.count]
        case 80..<93:
            base = cjk[n % cjk.count] + cjkSuffixes[(n / 3) % cjkSuffixes.count]
        default:
            base = cyrillicGreek[n % cyrillicGreek.count]
        }
        // Numbering keeps names mostly distinct once the lists are used up.
        return index < 60 ? base : base + " " + String(index / 60 + 1)
    }
}

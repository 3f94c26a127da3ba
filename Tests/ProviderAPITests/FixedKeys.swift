import ProviderAPI

/// Private keys made once for the fuzz tests and kept as text, so every run mutates the
/// same bytes (a key generated per run made a failure impossible to replay). Test keys
/// only: nothing trusts them.
enum FixedKeys {
    static let es256 = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJl5WgPf0+TcUmX1o
        CiBtKEh3iUWkhMVM1RGzZqEWOQKhRANCAAR4Bq67uWFZR8VC3SHMSvswH1f3u3p3
        v8a5VoQextMEvTVgcyLtSUVZshoh19q0bZHKyeYJcm6hsAl9yyzeQVDS
        -----END PRIVATE KEY-----
        """
    static let rs256 = """
        -----BEGIN PRIVATE KEY-----
        MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQCg5ZUxJBG11d9H
        WUJB8zk3jxGbiNrQs3Xjlf4u9VtR/O3AUbsfUmfS8LR3791O3BFFyhfCy6oerl6L
        M4AV6VGwnVLBWVK0J8jwcDvGVGDjB3X3T8SC8c1k+ayjkCSg+HBC0zNhG/FCi/cq
        pdoLJGnpJvQVhdD5UVKScmFWW3lumu+pMZMOTHh3OK/UXB/B7WgCQjhlTyHf/0II
        b8+cqxlvQ7S0Zpf1UjmbR1kwbaHvrWm283+X4SZ2JddOlt4RWumg3ILjtvEdeYZq
        s8sqrsYNj/ZAMUygZSnPN75dkUcyl5c3Y1cocbHS3wSjrbE29CgOqI/zkjxLX6cP
        +JBIEUC1AgMBAAECggEADFc/pIRdnvxRNi6okD8Ari9ZJhX1O2YgZ/0RTdzzQBK6
        ntjF/C0jM7QGeF9bmQv0TGcnszQeD5QuDtaiGUwkwC6sJV9donediAk1VIBHt1iG
        c4C/Rynjwdel2bYzHdOgZke+9gPuJj2h27gORT+DdICD3s8j2OBxCTS6HL6pNDkr
        ES4TERVxsoVZ8w7sE16QVeMUY3VgxTwA4K86Se6zLp2hKu5Tcd1ytRuO//noX4Hx
        hEI+1rV7Tsc8liZ1ZP5KeLSyWTXmH7fc+57q1HuFy8DgP/rTz4RxuFgu8fL9pocV
        0zH7uckp9ECxIJTVOA7CCyPaPPQxrZqs1TrB08w+ywKBgQDUeDppJeXUE6OlPYOW
        saQyi781JVp/eJ3PKGAzMEt2WnYbjxucL3qkxNNVQEzhFxZOj6bfn33XuB7TiRF0
        iH1mTFrCPO7UArjZT6hk/7C2P/GnkUEdZsRKSfubLRaJEKYeNOahdgw2hG6Ya/Lg
        rJejFTz8jNwKXnWiYEI6e5zRawKBgQDB3Gw9Y9HFLu915OZMrbz6bK/dw8zBmgpE
        /VwPe2SQ7gFrGTp2ssPMGM3RAMqMy/wXDb7cmOrLs43o3fBX9OuJCMISZ+noZKJ1
        5Tas1z5hPlLWQD9NOslqP7+ecZq7ClItYe+iBmHjowIG6wdvku8LYOvmeYcpTay5
        ecEmPT8eXwKBgGTkxtABqBbCULZ59I/NwWwjQmQpXcUkcMPbp3sHVv5XzLgfh/vt
        6+5sbPKRuzA0N2qM+rA8W5ThoPnQoBJXcjzuyzZrmvngZQkEs7FqXe7dhJKO/n3I
        vDOO2EUC7y2dU1UKx+4qUXheAOqucEJSkxtlTXWcKi1eV7wIu8prwrcLAoGAR5lu
        jLnqRwaPwJ47BMUCUAeGaMShQjvvYQ2mS72KJhERiwm1UxOxRxc+JNxC8v9/6s/T
        10vPJE77sa8Ozp2RxHnsm7mvZXqNmjd/GxUgX/ARzjnKZ2635zsGPbG9sSkdss9C
        Hzh2PQn+fKmfhHDjQvOYDPaDmhirG5HBaasjPccCgYEAzeP3MZzeLhl22jYkmYQ5
        YO7S5YHORaWQo812qPRKfcLGBh/FZw/FiiAo8A6yMdJdZ6oE4IG5bWaumeAFDOEi
        uUsi3HV/TUFJ6oOjw/5cEj7qsz3lMbUQUdbNex2b0c6huterPITX51/TSlVqA486
        XCqesuZzW3zb9HtVwezmX2I=
        -----END PRIVATE KEY-----
        """
    static let edDSA = """
        -----BEGIN PRIVATE KEY-----
        MC4CAQAwBQYDK2VwBCIEIOx4M6vqXqlJGQrPm/aFDzBWbjPO19Y1JhCjR+krBcgu
        -----END PRIVATE KEY-----
        """

    static func pem(_ algorithm: KeyAlgorithm) -> String {
        switch algorithm {
        case .es256: return es256
        case .rs256: return rs256
        case .edDSA: return edDSA
        }
    }
}

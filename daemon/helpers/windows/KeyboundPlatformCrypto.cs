// keybound-platform-crypto.exe: the Windows half of daemon/src/keys/platform/HelperKeyStore.ts.
// One JSON object per line on stdin, one answer per line on stdout (protocol in HelperKeyStore.ts).
// Keys: ECDSA P-256 in the "Microsoft Platform Crypto Provider" (CNG over the TPM 2.0), per user,
// not exportable (the provider never allows it for TPM keys).
// COMPAT(untested: Windows — written without a Windows machine; build with
// `dotnet build -c Release` as a net8.0 console app, sign with the organisation's code-signing
// certificate; plan in docs/decisions/0062-secure-enclave-and-cng.md).
using System;
using System.Security.Cryptography;
using System.Text.Json;

static class Program
{
    const string Provider = "Microsoft Platform Crypto Provider";

    static string B64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }

    static object Handle(JsonElement r)
    {
        int id = r.GetProperty("id").GetInt32();
        string op = r.GetProperty("op").GetString() ?? "";
        string name = "keybound-" + r.GetProperty("label").GetString();
        try
        {
            switch (op)
            {
                case "create":
                {
                    var p = new CngKeyCreationParameters
                    {
                        Provider = new CngProvider(Provider),
                        ExportPolicy = CngExportPolicies.None,
                        KeyCreationOptions = CngKeyCreationOptions.None,
                    };
                    using var key = CngKey.Create(CngAlgorithm.ECDsaP256, name, p);
                    // BCRYPT_ECCPUBLIC_BLOB: magic(4) cbKey(4) X(32) Y(32)
                    var blob = key.Export(CngKeyBlobFormat.EccPublicBlob);
                    return new { id, ok = true, x = B64Url(blob[8..40]), y = B64Url(blob[40..72]) };
                }
                case "sign":
                {
                    using var key = CngKey.Open(name, new CngProvider(Provider));
                    using var ecdsa = new ECDsaCng(key);
                    var data = FromB64Url(r.GetProperty("data").GetString() ?? "");
                    // IEEE P1363 r‖s, 64 bytes, as WebCrypto returns.
                    var sig = ecdsa.SignData(data, HashAlgorithmName.SHA256);
                    return new { id, ok = true, signature = B64Url(sig) };
                }
                case "delete":
                {
                    if (CngKey.Exists(name, new CngProvider(Provider))) CngKey.Open(name, new CngProvider(Provider)).Delete();
                    return new { id, ok = true };
                }
                default:
                    return new { id, ok = false, code = "ERR_INVALID_MESSAGE", message = "unknown op " + op };
            }
        }
        catch (CryptographicException e)
        {
            return new { id, ok = false, code = "ERR_TPM_FAILED", message = e.Message };
        }
    }

    static void Main()
    {
        string? line;
        while ((line = Console.ReadLine()) != null)
        {
            using var doc = JsonDocument.Parse(line);
            Console.WriteLine(JsonSerializer.Serialize(Handle(doc.RootElement)));
            Console.Out.Flush();
        }
    }
}

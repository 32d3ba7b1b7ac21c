// keybound-secure-enclave: the Secure Enclave half of daemon/src/keys/platform/HelperKeyStore.ts.
// One JSON object per line on stdin, one answer per line on stdout (protocol in HelperKeyStore.ts).
// Keys: P-256, created in the Secure Enclave (kSecAttrTokenIDSecureEnclave), private key usable
// only by this signed helper (keychain access group of its code signature), never exportable.
// COMPAT(untested: macOS — written without a Mac; build with `swiftc -O KeyboundSecureEnclave.swift`,
// sign with the organisation's Developer ID and a keychain-access-groups entitlement; plan in
// docs/decisions/0062-secure-enclave-and-cng.md).
import Foundation
import Security

struct Request: Decodable { let id: Int; let op: String; let label: String; let data: String? }

func b64url(_ d: Data) -> String {
  d.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    .replacingOccurrences(of: "=", with: "")
}
func fromB64url(_ s: String) -> Data? {
  var t = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
  while t.count % 4 != 0 { t += "=" }
  return Data(base64Encoded: t)
}
func answer(_ obj: [String: Any]) {
  let data = try! JSONSerialization.data(withJSONObject: obj)
  FileHandle.standardOutput.write(data + Data("\n".utf8))
}
func tag(_ label: String) -> Data { Data("dev.keybound.key.\(label)".utf8) }

func findKey(_ label: String) -> SecKey? {
  let query: [String: Any] = [
    kSecClass as String: kSecClassKey, kSecAttrApplicationTag as String: tag(label),
    kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom, kSecReturnRef as String: true,
  ]
  var item: CFTypeRef?
  return SecItemCopyMatching(query as CFDictionary, &item) == errSecSuccess ? (item as! SecKey) : nil
}

func handle(_ r: Request) -> [String: Any] {
  switch r.op {
  case "create":
    var error: Unmanaged<CFError>?
    guard let access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, .privateKeyUsage, &error) else {
      return ["id": r.id, "ok": false, "code": "ERR_TPM_FAILED", "message": "access control: \(String(describing: error))"]
    }
    let attrs: [String: Any] = [
      kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeySizeInBits as String: 256,
      kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
      kSecPrivateKeyAttrs as String: [
        kSecAttrIsPermanent as String: true, kSecAttrApplicationTag as String: tag(r.label),
        kSecAttrAccessControl as String: access,
      ],
    ]
    guard let key = SecKeyCreateRandomKey(attrs as CFDictionary, &error), let pub = SecKeyCopyPublicKey(key),
      let raw = SecKeyCopyExternalRepresentation(pub, &error) as Data?, raw.count == 65
    else { return ["id": r.id, "ok": false, "code": "ERR_TPM_FAILED", "message": "create: \(String(describing: error))"] }
    return ["id": r.id, "ok": true, "x": b64url(raw.subdata(in: 1..<33)), "y": b64url(raw.subdata(in: 33..<65))]
  case "sign":
    guard let key = findKey(r.label), let data = r.data.flatMap(fromB64url) else {
      return ["id": r.id, "ok": false, "code": "ERR_KEY_NOT_FOUND", "message": "no key \(r.label)"]
    }
    var error: Unmanaged<CFError>?
    guard let der = SecKeyCreateSignature(key, .ecdsaSignatureMessageX962SHA256, data as CFData, &error) as Data? else {
      return ["id": r.id, "ok": false, "code": "ERR_TPM_FAILED", "message": "sign: \(String(describing: error))"]
    }
    return ["id": r.id, "ok": true, "signature": b64url(derToRaw(der))]
  case "delete":
    let query: [String: Any] = [kSecClass as String: kSecClassKey, kSecAttrApplicationTag as String: tag(r.label)]
    SecItemDelete(query as CFDictionary)
    return ["id": r.id, "ok": true]
  default:
    return ["id": r.id, "ok": false, "code": "ERR_INVALID_MESSAGE", "message": "unknown op \(r.op)"]
  }
}

/// X9.62 DER SEQUENCE { INTEGER r, INTEGER s } → 64-byte r‖s.
func derToRaw(_ der: Data) -> Data {
  let b = [UInt8](der)
  var i = 2
  func int() -> [UInt8] {
    let len = Int(b[i + 1]); let v = Array(b[(i + 2)..<(i + 2 + len)]); i += 2 + len
    let trimmed = Array(v.drop(while: { $0 == 0 }))
    return [UInt8](repeating: 0, count: max(0, 32 - trimmed.count)) + trimmed
  }
  return Data(int() + int())
}

while let line = readLine() {
  guard let req = try? JSONDecoder().decode(Request.self, from: Data(line.utf8)) else { continue }
  answer(handle(req))
}

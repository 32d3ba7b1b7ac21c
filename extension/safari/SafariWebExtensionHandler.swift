// SafariWebExtensionHandler: the Keybound Safari extension's containing app, playing the role the
// native-messaging host (`keybound native-host`) plays for Chrome (docs/decisions/0042).
//
// COMPAT(untested: no macOS here) — written against Apple's SafariServices documentation
// (NSExtensionRequestHandling, SFExtensionMessageKey) and POSIX sockets; never compiled or run.
//
// The extension calls `browser.runtime.sendNativeMessage(...)` (extension/src/background/daemon/
// SafariNativeHost.ts); Safari delivers only our own extension's messages to this handler. Each
// message is one request of shared/protocol/nativeMessaging.ts (`discover`, `pair`, `protect.url`)
// plus the extension's own origin (`safari-web-extension://<UUID>`: Safari tells the handler no
// sender). The handler:
//   1. checks the message (size, JSON object, known type, id and origin formats) — like the host;
//   2. checks that this user's data folder and control socket belong to this user and are closed
//      to others (the host's checkControlSocketOwner);
//   3. sends one control-socket request (`native.discover`, `native.pair`, `protect.url`), newline-
//      delimited JSON, and waits for its answer. A `pair` that needs the user makes the daemon send
//      a `protect.request` event with the Protect window's URL first: the handler opens it itself
//      (the app is vouched for by the OS; the URL never goes back to the page or the WebSocket);
//   4. answers `{ id, ok, result | error }` exactly as the host does.
//
// Packaging (Xcode, the project `xcrun safari-web-extension-converter extension/dist/safari`
// makes): replace the generated handler with this file. The extension target is sandboxed: give it
// read-write access to the daemon's data folder, e.g. the entitlement
// `com.apple.security.temporary-exception.files.home-relative-path.read-write` =
// `/Library/Application Support/Keybound/` (or run the daemon with its data dir in an app group
// container shared with the app), or connecting to `control.sock` fails and the extension says
// the app cannot reach the daemon.
import AppKit
import Foundation
import SafariServices

private let maxMessageBytes = 64 * 1024
private let quickTimeout: TimeInterval = 15
private let pairTimeout: TimeInterval = 180

final class SafariWebExtensionHandler: NSObject, NSExtensionRequestHandling {
  func beginRequest(with context: NSExtensionContext) {
    let item = context.inputItems.first as? NSExtensionItem
    let message = item?.userInfo?[SFExtensionMessageKey]
    // Blocking socket I/O: off the main thread; Safari waits for completeRequest.
    DispatchQueue.global(qos: .userInitiated).async {
      let answer = Self.handle(message)
      let response = NSExtensionItem()
      response.userInfo = [SFExtensionMessageKey: answer]
      context.completeRequest(returningItems: [response], completionHandler: nil)
    }
  }

  static func handle(_ raw: Any?) -> [String: Any] {
    guard let message = raw as? [String: Any],
          let data = try? JSONSerialization.data(withJSONObject: message),
          data.count <= maxMessageBytes
    else { return failure("-", "ERR_INVALID_MESSAGE", "The message is not a JSON object of at most 64 KiB.") }
    guard let id = message["id"] as? String, matches(id, #"^[A-Za-z0-9_.:-]{1,64}$"#) else {
      return failure("-", "ERR_INVALID_MESSAGE", "The message has no valid id.")
    }
    guard let origin = message["extensionOrigin"] as? String,
          matches(origin, #"^safari-web-extension://[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$"#)
    else { return failure(id, "ERR_BAD_ORIGIN", "The message does not name a Safari extension origin.") }

    var request: [String: Any] = ["id": "safari-\(id)", "extensionOrigin": origin]
    var timeout = quickTimeout
    switch message["type"] as? String {
    case "discover":
      request["op"] = "native.discover"
      if let installId = message["installId"] as? String {
        guard matches(installId, #"^[A-Za-z0-9_-]{16,64}$"#) else { return badField(id, "installId") }
        request["installId"] = installId
      }
    case "pair":
      guard let installId = message["installId"] as? String, matches(installId, #"^[A-Za-z0-9_-]{16,64}$"#)
      else { return badField(id, "installId") }
      request["op"] = "native.pair"
      request["installId"] = installId
      timeout = pairTimeout
    case "protect.url":
      guard let protectId = message["protectId"] as? String, matches(protectId, #"^[A-Za-z0-9_-]{8,64}$"#)
      else { return badField(id, "protectId") }
      request["op"] = "protect.url"
      request["protectId"] = protectId
    default:
      return failure(id, "ERR_INVALID_MESSAGE", "Unknown request type.")
    }

    let dataDir = dataDirectory()
    if let unsafe = unsafeOwnership(dataDir) { return failure(id, unsafe.code, unsafe.message) }
    do {
      let answer = try ControlSocket.call(
        path: dataDir.appendingPathComponent("control.sock").path,
        request: request,
        timeout: timeout,
        onEvent: { event in
          // The daemon asks the user: this app shows the Protect window (never the requester).
          if event["event"] as? String == "protect.request", let text = event["url"] as? String,
             let url = URL(string: text), url.scheme == "http", url.host == "127.0.0.1",
             url.path.hasPrefix("/protect/")
          {
            DispatchQueue.main.async { NSWorkspace.shared.open(url) }
          }
        }
      )
      var out: [String: Any] = ["id": id, "ok": answer["ok"] as? Bool ?? false]
      if let result = answer["result"] { out["result"] = result }
      if let error = answer["error"] { out["error"] = error }
      return out
    } catch {
      return failure(
        id, "ERR_DAEMON_UNAVAILABLE",
        "The Keybound daemon is not running for this user, or the Keybound app cannot reach it. Start it (keybound daemon, or its service), then try again."
      )
    }
  }

  /// KEYBOUND_DATA_DIR, else ~/Library/Application Support/Keybound (shared/node/dataDir.ts).
  static func dataDirectory() -> URL {
    if let dir = ProcessInfo.processInfo.environment["KEYBOUND_DATA_DIR"], !dir.isEmpty {
      return URL(fileURLWithPath: dir, isDirectory: true)
    }
    // The real home, not the sandbox container's.
    let home = getpwuid(getuid()).map { String(cString: $0.pointee.pw_dir) } ?? NSHomeDirectory()
    return URL(fileURLWithPath: home, isDirectory: true)
      .appendingPathComponent("Library/Application Support/Keybound", isDirectory: true)
  }

  /// The folder and the socket must be this user's and closed to group and others.
  static func unsafeOwnership(_ dataDir: URL) -> (code: String, message: String)? {
    for (path, what) in [(dataDir.path, "data folder"), (dataDir.appendingPathComponent("control.sock").path, "control socket")] {
      var info = stat()
      guard lstat(path, &info) == 0 else {
        return ("ERR_DAEMON_UNAVAILABLE",
                "The Keybound daemon is not running for this user (no \(what)). Start it (keybound daemon, or its service), then try again.")
      }
      if info.st_uid != getuid() || (info.st_mode & 0o077) != 0 {
        return ("ERR_CONTROL_SOCKET_UNSAFE",
                "The daemon's \(what) belongs to another user or is open to others; refusing to use it. Run keybound doctor to see which file.")
      }
    }
    return nil
  }

  static func matches(_ text: String, _ pattern: String) -> Bool {
    text.range(of: pattern, options: .regularExpression) != nil
  }

  static func badField(_ id: String, _ field: String) -> [String: Any] {
    failure(id, "ERR_INVALID_MESSAGE", "The field \(field) is missing or malformed.")
  }

  static func failure(_ id: String, _ code: String, _ message: String) -> [String: Any] {
    ["id": id, "ok": false, "error": ["code": code, "message": message]]
  }
}

/// One request over the daemon's control socket (daemon/src/control/controlProtocol.ts):
/// newline-delimited JSON; events (`{ "id", "event", ... }`) may precede the answer.
enum ControlSocket {
  struct Failure: Error { let reason: String }

  static func call(
    path: String, request: [String: Any], timeout: TimeInterval, onEvent: ([String: Any]) -> Void
  ) throws -> [String: Any] {
    let fd = socket(AF_UNIX, SOCK_STREAM, 0)
    guard fd >= 0 else { throw Failure(reason: "socket") }
    defer { close(fd) }
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw Failure(reason: "path too long") }
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
      raw.copyBytes(from: bytes)
      raw[bytes.count] = 0
    }
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard connected == 0 else { throw Failure(reason: "connect") }
    var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))

    var line = try JSONSerialization.data(withJSONObject: request)
    line.append(0x0A)
    let sent = line.withUnsafeBytes { send(fd, $0.baseAddress, line.count, 0) }
    guard sent == line.count else { throw Failure(reason: "send") }

    var buffer = Data()
    var chunk = [UInt8](repeating: 0, count: 16 * 1024)
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let n = recv(fd, &chunk, chunk.count, 0)
      guard n > 0 else { throw Failure(reason: "closed or timed out") }
      buffer.append(contentsOf: chunk[0..<n])
      guard buffer.count <= 1024 * 1024 else { throw Failure(reason: "answer too large") }
      while let newline = buffer.firstIndex(of: 0x0A) {
        let text = buffer[buffer.startIndex..<newline]
        buffer.removeSubrange(buffer.startIndex...newline)
        guard let object = try? JSONSerialization.jsonObject(with: text) as? [String: Any],
              object["id"] as? String == request["id"] as? String
        else { continue }
        if object["event"] != nil { onEvent(object); continue }
        return object
      }
    }
    throw Failure(reason: "timed out")
  }
}

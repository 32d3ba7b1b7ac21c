// keybound-verify-user: asks macOS to verify the signed-in user (Touch ID, Apple Watch or the
// account password: LAPolicy.deviceOwnerAuthentication) with the reason in KEYBOUND_UV_REASON.
// The daemon's host mode runs it once per request (daemon/src/protect/os/macLocalAuthSpec.ts).
//
// COMPAT(untested: no macOS here) — written against the LocalAuthentication documentation.
//
// Build (packaging step, Xcode command line tools):
//   swiftc -O -o keybound-verify-user daemon/os/macos/keybound-verify-user.swift
// Install next to the daemon or point KEYBOUND_MACOS_UV_HELPER at it; sign it with the app's
// Developer ID so the prompt names Keybound.
//
// Exit codes (HelperProcessVerifier): 0 verified, 1 refused, 2 cannot verify (stderr says why),
// 3 failed, 4 cancelled (SIGTERM from the daemon or the system).
import Foundation
import LocalAuthentication

let reason = ProcessInfo.processInfo.environment["KEYBOUND_UV_REASON"] ?? "Keybound: confirm it is you"
let context = LAContext()

var availability: NSError?
guard context.canEvaluatePolicy(.deviceOwnerAuthentication, error: &availability) else {
  FileHandle.standardError.write(Data((availability?.localizedDescription ?? "no way to verify the user").utf8))
  exit(2)
}

// The daemon abandons a request with SIGTERM: close the prompt, then exit "cancelled".
signal(SIGTERM, SIG_IGN)
let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .main)
terminate.setEventHandler {
  context.invalidate()
  exit(4)
}
terminate.resume()

context.evaluatePolicy(.deviceOwnerAuthentication, localizedReason: reason) { success, error in
  if success { exit(0) }
  switch (error as? LAError)?.code {
  case .userCancel?, .authenticationFailed?, .userFallback?, .biometryLockout?:
    exit(1)
  case .appCancel?, .systemCancel?:
    exit(4)
  case .passcodeNotSet?, .biometryNotAvailable?, .biometryNotEnrolled?:
    FileHandle.standardError.write(Data((error?.localizedDescription ?? "not set up").utf8))
    exit(2)
  default:
    FileHandle.standardError.write(Data((error?.localizedDescription ?? "unexpected failure").utf8))
    exit(3)
  }
}
dispatchMain()

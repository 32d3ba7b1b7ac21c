/**
 * Windows host-mode user verification: Windows Hello's `UserConsentVerifier` (face, fingerprint
 * or PIN), reached from Windows PowerShell 5.1 through its WinRT projection; the script comes on
 * stdin and the prompt text in KEYBOUND_UV_REASON, so nothing about the request is on a command
 * line. Exit codes as HelperProcessVerifier expects.
 *
 * COMPAT(untested: no Windows here) — written against the UserConsentVerifier documentation.
 * A desktop process's prompt may open behind the browser: the HWND-taking
 * IUserConsentVerifierInterop would fix that, which needs a compiled helper.
 */
import type { HelperSpec } from './HelperProcessVerifier.js';

const SCRIPT = `
$ErrorActionPreference = 'Stop'
try {
  Add-Type -AssemblyName System.Runtime.WindowsRuntime
  $asTask = [System.WindowsRuntimeSystemExtensions].GetMethods() | Where-Object {
    $_.Name -eq 'AsTask' -and $_.IsGenericMethod -and $_.GetParameters().Count -eq 1 -and
    $_.GetParameters()[0].ParameterType.Name -eq 'IAsyncOperation${'`'}1' } | Select-Object -First 1
  function Await($operation, [Type]$type) {
    $task = $asTask.MakeGenericMethod($type).Invoke($null, @($operation))
    $task.Wait() | Out-Null
    $task.Result
  }
  $verifier = [Windows.Security.Credentials.UI.UserConsentVerifier, Windows.Security.Credentials.UI, ContentType = WindowsRuntime]
  $availability = Await ($verifier::CheckAvailabilityAsync()) ([Windows.Security.Credentials.UI.UserConsentVerifierAvailability])
  if ($availability -ne 'Available') { [Console]::Error.Write("Windows Hello: $availability"); exit 2 }
  $result = Await ($verifier::RequestVerificationAsync($env:KEYBOUND_UV_REASON)) ([Windows.Security.Credentials.UI.UserConsentVerificationResult])
  switch ($result.ToString()) {
    'Verified' { exit 0 }
    'Canceled' { exit 1 }
    'RetriesExhausted' { exit 1 }
    'DeviceBusy' { [Console]::Error.Write('Windows Hello is busy'); exit 3 }
    default { [Console]::Error.Write("Windows Hello: $result"); exit 2 }
  }
} catch {
  [Console]::Error.Write($_.Exception.Message)
  exit 3
}
`;

export function windowsHelloSpec(env: NodeJS.ProcessEnv = process.env): HelperSpec {
  const root = env.SystemRoot ?? 'C:\\Windows';
  return {
    backend: 'windows-hello',
    command: `${root}\\System32\\WindowsPowerShell\\v1.0\\powershell.exe`,
    args: ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', '-'],
    stdin: SCRIPT,
    missing:
      'Windows PowerShell (powershell.exe) was not found, so Keybound cannot ask Windows Hello to verify you. Ask IT to restore it.',
  };
}

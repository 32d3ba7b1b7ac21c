# Windows: a scheduled task that starts the daemon at logon for each user (run as administrator,
# or deploy the same task through Intune / Group Policy). No --port: each user's daemon picks and
# records its own port, and the extension learns it from the native-messaging host (decision 0041).
$action  = New-ScheduledTaskAction -Execute 'keybound.cmd' `
  -Argument 'daemon --device host --allow-extension cafmddpjkeccackiphahemkdaplnpfdf'
$trigger = New-ScheduledTaskTrigger -AtLogOn
$principal = New-ScheduledTaskPrincipal -GroupId 'BUILTIN\Users' -RunLevel Limited
$settings = New-ScheduledTaskSettingsSet -RestartCount 3 -RestartInterval (New-TimeSpan -Minutes 1) `
  -ExecutionTimeLimit ([TimeSpan]::Zero)
Register-ScheduledTask -TaskName 'Keybound daemon' -Action $action -Trigger $trigger `
  -Principal $principal -Settings $settings -Description 'Keybound companion daemon (per user, loopback only)'

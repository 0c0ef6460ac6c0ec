#!powershell
# The Windows implementation of daemonize.daemonize.deploy, which calls it on Windows hosts
# (documentation: deploy.py): runs daemonize.exe deploy --json / remove with the same options
# and results as on Linux.

#AnsibleRequires -CSharpUtil Ansible.Basic
#Requires -Module Ansible.ModuleUtils.ArgvParser
#Requires -Module Ansible.ModuleUtils.CommandUtil

$spec = @{
    options = @{
        manifest = @{ type = 'path' }
        # src is copied by the action plugin, which passes manifest instead.
        src = @{ type = 'path' }
        name = @{ type = 'str' }
        target = @{ type = 'str'; default = 'auto' }
        root = @{ type = 'path' }
        state = @{ type = 'str'; default = 'present'; choices = 'present', 'absent' }
        daemonize = @{ type = 'str'; default = 'daemonize' }
        start = @{ type = 'bool'; default = $true }
        wait = @{ type = 'bool'; default = $true }
        wait_timeout = @{ type = 'int' }
        daemonize_path = @{ type = 'str' }
        purge = @{ type = 'bool'; default = $false }
    }
    required_if = @(
        , @('state', 'present', @('manifest'))
        , @('state', 'absent', @('manifest', 'name'), $true)
    )
    mutually_exclusive = @(, @('manifest', 'src'))
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$params = $module.Params
if ($params.src) {
    $module.FailJson('src is copied by the daemonize.daemonize.deploy action plugin; use daemonize.daemonize.deploy')
}

# A bare name is looked up in PATH, then where the install role puts daemonize.exe.
$binary = $params.daemonize
if ($binary -notmatch '[\\/]') {
    $found = Get-Command -Name $binary -CommandType Application -ErrorAction SilentlyContinue |
        Select-Object -First 1
    if ($found) {
        $binary = $found.Source
    }
    else {
        $binary = Join-Path -Path $env:ProgramFiles -ChildPath 'daemonize\daemonize.exe'
    }
}
if (-not (Test-Path -LiteralPath $binary -PathType Leaf)) {
    $module.FailJson("daemonize was not found at '$binary'; install it with the daemonize.daemonize.install role or set daemonize")
}

function Invoke-Daemonize([string[]]$Arguments) {
    $command = Argv-ToString -arguments (@($binary) + $Arguments)
    $result = Run-Command -command $command
    $module.Result.cmd = $command
    $module.Result.rc = $result.rc
    $module.Result.stdout = $result.stdout
    $module.Result.stderr = $result.stderr
    $module.Result.stdout_lines = @($result.stdout -split '\r?\n' | Where-Object { $_ -ne '' })
    $module.Result.stderr_lines = @($result.stderr -split '\r?\n' | Where-Object { $_ -ne '' })
    $result
}

# daemonize's error lines: diagnostics (FILE:LINE:COL: error: ...), then daemonize: lines.
function Get-ErrorMessage([string]$Stderr, [string]$Fallback) {
    $lines = @($Stderr -split '\r?\n' | Where-Object { $_ -like '*: error: *' })
    if ($lines.Count -eq 0) {
        $lines = @($Stderr -split '\r?\n' | Where-Object {
                $_.StartsWith('daemonize: ') -and -not $_.StartsWith('daemonize: --target auto') })
    }
    if ($lines.Count -eq 0) {
        return $Fallback
    }
    $lines -join "`n"
}

$module.Result.changed = $false
if ($params.state -eq 'present') {
    $arguments = @('deploy', $params.manifest, '--json', '--target', $params.target)
    if ($params.root) { $arguments += @('--root', $params.root) }
    if (-not $params.start) { $arguments += '--no-start' }
    if (-not $params.wait) { $arguments += '--no-wait' }
    if ($null -ne $params.wait_timeout) { $arguments += @('--wait-timeout', [string]$params.wait_timeout) }
    if ($params.daemonize_path) { $arguments += @('--daemonize-path', $params.daemonize_path) }
    if ($module.CheckMode) { $arguments += '--dry-run' }
    $run = Invoke-Daemonize -Arguments $arguments

    $plan = $null
    if ($run.stdout.Trim()) {
        try {
            $plan = $run.stdout | ConvertFrom-Json
        }
        catch {
            $module.FailJson('daemonize deploy printed no JSON document')
        }
        $module.Result.plan = $plan
        $module.Result.service = $plan.service
        $module.Result.target = $plan.target
        if ($null -ne $plan.outcome) { $module.Result.outcome = $plan.outcome }
        foreach ($warning in @($plan.warnings)) {
            if ($null -ne $warning) { $module.Warn([string]$warning) }
        }
    }
    if ($run.rc -ne 0) {
        $fallback = "daemonize deploy exited $($run.rc)"
        if ($plan -and @($plan.errors).Count -gt 0) { $fallback = @($plan.errors) -join "`n" }
        $module.FailJson((Get-ErrorMessage -Stderr $run.stderr -Fallback $fallback))
    }
    if ($null -eq $plan) {
        $module.FailJson('daemonize deploy printed no plan')
    }
    $module.Result.changed = -not $plan.up_to_date
    if ($module.Result.changed) {
        $module.Diff.prepared = [string]$plan.diff
    }
}
else {
    $target = if ($params.manifest) { $params.manifest } else { $params.name }
    $arguments = @('remove', $target)
    if ($params.root) { $arguments += @('--root', $params.root) }
    if ($params.purge) { $arguments += '--purge' }
    $preview = $null
    if ($module.CheckMode -or $module.DiffMode) {
        $preview = Invoke-Daemonize -Arguments ($arguments + '--dry-run')
    }
    $run = if ($module.CheckMode) { $preview } else { Invoke-Daemonize -Arguments $arguments }
    if ($run.rc -ne 0) {
        if ($run.stderr -like '*is not installed by daemonize*') {
            $module.Result.rc = 0
            $module.ExitJson()
        }
        $module.FailJson((Get-ErrorMessage -Stderr $run.stderr -Fallback "daemonize remove exited $($run.rc)"))
    }
    $module.Result.changed = $true
    if ($preview -and $preview.rc -eq 0) {
        $module.Diff.prepared = $preview.stdout
    }
}
$module.ExitJson()

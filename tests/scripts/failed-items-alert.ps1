# Advanced functions with pipeline input, validation, splatting, error handling and verbose output.
function Test-BackupItem {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [PSObject]$Item,
        [ValidateSet('Mailbox', 'OneDrive', 'Site')]
        [string]$Type = 'Mailbox'
    )
    begin {
        $checked = 0
        Write-Verbose "Checking items of type $Type"
    }
    process {
        $checked++
        if ($Item.Type -ne $Type) { return }
        if (-not $Item.LastBackup) {
            Write-Error "No backup found for $($Item.Name)" -ErrorAction $ErrorActionPreference
            return
        }
        [PSCustomObject]@{ Name = $Item.Name; Hours = [int](([datetime]'2024-03-15 12:00') - [datetime]$Item.LastBackup).TotalHours }
    }
    end {
        Write-Verbose "Checked $checked item(s)"
    }
}

function Send-Alert {
    param([string]$To, [string]$Subject, [string[]]$Lines)
    "To: $To"
    "Subject: $Subject"
    $Lines | ForEach-Object { "  - $_" }
}

$items = @(
    [PSCustomObject]@{ Name = 'adele';     Type = 'Mailbox';  LastBackup = '2024-03-15 02:00' }
    [PSCustomObject]@{ Name = 'sales';     Type = 'Site';     LastBackup = '2024-03-10 02:00' }
    [PSCustomObject]@{ Name = 'alex';      Type = 'Mailbox';  LastBackup = $null }
    [PSCustomObject]@{ Name = 'diego';     Type = 'Mailbox';  LastBackup = '2024-03-13 00:00' }
)

$results = $items | Test-BackupItem -Type Mailbox -ErrorAction SilentlyContinue -ErrorVariable itemErrors
"Mailboxes checked: $(@($results).Count), errors: $($itemErrors.Count)"
$stale = $results | Where-Object { $_.Hours -gt 24 }

$alert = @{
    To      = 'backup-admins@contoso.com'
    Subject = "Stale mailbox backups: $(@($stale).Count)"
    Lines   = @($stale | ForEach-Object { "$($_.Name) ($($_.Hours) h)" }) + @($itemErrors | ForEach-Object { $_.Exception.Message })
}
Send-Alert @alert

try {
    $items | Test-BackupItem -Type Archive
}
catch {
    "Validation failed: $($_.FullyQualifiedErrorId)"
}

try {
    $null = $items | Test-BackupItem -ErrorAction Stop
    'not reached'
}
catch {
    "Stopped on: $($_.Exception.Message)"
}
finally {
    'cleanup done'
}

"""Get-Date, New-TimeSpan, Start-Sleep, Read-Host, Get-Credential, ConvertTo/From-SecureString."""

from __future__ import annotations

import time

import pytest

from vboshell.runtime.context import BufferHost, ExecutionContext


def test_get_date_format(run) -> None:
    assert run("Get-Date -Date '2024-01-31 10:05' -Format 'yyyy-MM-dd HH:mm'") == "2024-01-31 10:05\n"


def test_get_date_standard_formats(run) -> None:
    assert run("$d = Get-Date -Date '2024-01-31 13:05:09'; Get-Date $d -Format s; Get-Date $d -Format d; "
               "Get-Date $d -Format T") == "2024-01-31T13:05:09\n1/31/2024\n1:05:09 PM\n"


def test_get_date_uformat(run) -> None:
    assert run("Get-Date -Year 2024 -Month 2 -Day 29 -UFormat '%Y/%m/%d'") == "2024/02/29\n"


def test_get_date_parts(run) -> None:
    assert run("$d = Get-Date -Year 2020 -Month 5 -Day 6 -Hour 7 -Minute 8 -Second 9 -Millisecond 10; "
               "$d.ToString('yyyy-MM-dd HH:mm:ss.fff')") == "2020-05-06 07:08:09.010\n"


def test_get_date_returns_datetime(run) -> None:
    assert run("(Get-Date).GetType().FullName") == "System.DateTime\n"


def test_get_date_now_is_recent(run) -> None:
    assert run("((Get-Date) - [datetime]::Now).TotalSeconds -lt 5") == "True\n"


def test_get_date_add_days(run) -> None:
    assert run("(Get-Date -Date '2024-01-31').AddDays(1).ToString('yyyy-MM-dd')") == "2024-02-01\n"


def test_get_date_display(run) -> None:
    assert run("Get-Date -Date '2024-01-31 10:05'") == "\nWednesday, January 31, 2024 10:05:00 AM\n\n"


def test_get_date_pipeline(run) -> None:
    assert run("'2024-03-01' | Get-Date -Format 'MMM d'") == "Mar 1\n"


def test_get_date_invalid_day(run, shell) -> None:
    run("Get-Date -Year 2023 -Month 2 -Day 30")
    assert shell.errors() != ""


def test_date_arithmetic_days_ago(run) -> None:
    assert run("$cut = (Get-Date -Date '2024-01-31').AddDays(-30); $cut.ToString('yyyy-MM-dd')") == "2024-01-01\n"


def test_new_timespan_parts(run) -> None:
    assert run("(New-TimeSpan -Hours 2 -Minutes 30).TotalMinutes") == "150\n"


def test_new_timespan_start_end(run) -> None:
    assert run("(New-TimeSpan -Start '2024-01-01' -End '2024-01-31').Days") == "30\n"


def test_new_timespan_display(run) -> None:
    out = run("New-TimeSpan -Minutes 90")
    assert out.splitlines()[1:4] == ["Days              : 0", "Hours             : 1", "Minutes           : 30"]


def test_new_timespan_string(run) -> None:
    assert run("\"$(New-TimeSpan -Days 1 -Seconds 5)\"") == "1.00:00:05\n"


def test_start_sleep_milliseconds(run) -> None:
    t = time.monotonic()
    assert run("Start-Sleep -Milliseconds 30; 'done'") == "done\n"
    assert time.monotonic() - t >= 0.03


def test_start_sleep_positional_seconds(run) -> None:
    assert run("Start-Sleep 0; sleep 0; 'ok'") == "ok\n"


def test_start_sleep_interrupted(tmp_path) -> None:
    import threading

    host = BufferHost()
    ctx = ExecutionContext(host, cwd=tmp_path)
    timer = threading.Timer(0.1, ctx.stop)
    timer.start()
    t = time.monotonic()
    ctx.execute("Start-Sleep -Seconds 20; 'not reached'")
    ctx.reset_stop()
    assert time.monotonic() - t < 5
    assert "not reached" not in host.text


def _shell(tmp_path, inputs: list[str]) -> tuple[ExecutionContext, BufferHost]:
    host = BufferHost(inputs=inputs)
    return ExecutionContext(host, cwd=tmp_path), host


def test_read_host_prompt(tmp_path) -> None:
    ctx, host = _shell(tmp_path, ["Alice"])
    ctx.execute("$name = Read-Host 'Your name'; \"Hello $name\"")
    assert host.text == "Your name: Alice\nHello Alice\n"


def test_read_host_without_prompt(tmp_path) -> None:
    ctx, host = _shell(tmp_path, ["x"])
    ctx.execute("$v = Read-Host; $v.Length")
    assert host.text == "x\n1\n"


def test_read_host_secure(tmp_path) -> None:
    ctx, host = _shell(tmp_path, ["s3cret"])
    ctx.execute("$p = Read-Host 'Password' -AsSecureString; $p.GetType().Name; $p.Length")
    assert host.text == "Password: \nSecureString\n6\n"
    assert "s3cret" not in host.text


def test_read_host_no_input_is_error(tmp_path) -> None:
    ctx, host = _shell(tmp_path, [])
    ctx.execute("Read-Host 'x'")
    assert "NonInteractive mode" in host.error_text


def test_get_credential(tmp_path) -> None:
    ctx, host = _shell(tmp_path, ["admin", "pw1"])
    ctx.execute("$c = Get-Credential; $c.UserName; $c.GetNetworkCredential().Password")
    assert host.text.endswith("admin\npw1\n")
    assert "User: admin" in host.text and "Password for user admin: " in host.text


def test_get_credential_username(tmp_path) -> None:
    ctx, host = _shell(tmp_path, ["pw2"])
    ctx.execute("$c = Get-Credential -UserName 'u@contoso.com' -Message 'Tenant admin'; $c.UserName")
    assert "Tenant admin" in host.text and host.text.endswith("u@contoso.com\n")


def test_securestring_plain_text(run) -> None:
    assert run("$p = ConvertTo-SecureString 'P@ssw0rd' -AsPlainText -Force; $p.Length; $p") == \
        "8\nSystem.Security.SecureString\n"


def test_securestring_plain_text_requires_force(run, shell) -> None:
    run("ConvertTo-SecureString 'x' -AsPlainText")
    assert "The system cannot protect plain text input." in shell.errors()


def test_securestring_round_trip(run) -> None:
    script = ("$e = ConvertTo-SecureString 'x' -AsPlainText -Force | ConvertFrom-SecureString; "
              "(New-Object PSCredential 'u', ($e | ConvertTo-SecureString)).GetNetworkCredential().Password")
    assert run(script) == "x\n"


def test_convertfrom_securestring_hides_value(run) -> None:
    out = run("ConvertTo-SecureString 'TopSecretValue' -AsPlainText -Force | ConvertFrom-SecureString")
    assert "TopSecretValue" not in out and len(out.strip()) > 20


def test_securestring_with_key(run) -> None:
    script = ("$k = 1..16; $e = ConvertTo-SecureString 'kv' -AsPlainText -Force | ConvertFrom-SecureString -Key $k; "
              "$s = ConvertTo-SecureString $e -Key $k; (New-Object PSCredential 'u', $s).GetNetworkCredential().Password")
    assert run(script) == "kv\n"


def test_securestring_bad_key_length(run, shell) -> None:
    run("ConvertTo-SecureString 'x' -AsPlainText -Force | ConvertFrom-SecureString -Key (1..5)")
    assert "The specified key is not valid." in shell.errors()


@pytest.mark.parametrize("bad", ["01000000d08c9ddf0115d1118c7a00c04fc297eb", "garbage"])
def test_dpapi_string_gives_clear_error(run, shell, bad: str) -> None:
    run(f"ConvertTo-SecureString '{bad}'")
    assert "was not created by ConvertFrom-SecureString on this installation" in shell.errors()


def test_get_date_display_hint(run) -> None:
    assert run("Get-Date -Date '2024-01-31 10:05' -DisplayHint Date; Get-Date -Date '2024-01-31 10:05' -DisplayHint Time") == \
        "\nWednesday, January 31, 2024\n\n\n10:05:00 AM\n\n"

"""Tests of the sandbox tenant (vboshell/sandbox): identity, Graph endpoints, deltas, throttling, faults.
Shared fixtures (sandbox, fresh_sandbox, sandbox_context) live in tests/conftest.py."""

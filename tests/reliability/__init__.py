"""Reliability suites: faults, crashes, concurrency, hostile and malformed input (see tests/reliability/conftest.py).
A package so that its module names (test_crash, test_secrets) do not collide with other areas' tests."""

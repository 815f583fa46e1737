"""Accounts, authentication, roles and preferences."""

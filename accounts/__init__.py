"""Staff accounts: sign-in with a second factor (TOTP), lockout after wrong passwords, password change."""

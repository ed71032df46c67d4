"""Membership expiry reminders: staged e-mails to members, a daily digest to staff, unsubscribing."""

"""Staff accounts (admins and trainers): who may sign in to run the gym, their role, deactivation."""

"""What every capability stands on: settings, the database session, errors, languages, the
web layer (pages, forms, security headers), dates, roles and the policy helper. The core
imports no capability."""

"""Other apps' codes sent the app's way: origin-bound, through WEBOTP_SMS_BACKEND, with the
destination rules and the SMS budgets asked first.

One module per integration: ``allauth`` (django-allauth 65's phone login and verification) and
``two_factor_auth`` (django-two-factor-auth's SMS and call gateways). ``sending`` is what both
share. Importing an integration without its package raises ImproperlyConfigured naming the
``pip install`` that fixes it.
"""

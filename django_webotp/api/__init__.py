"""A JSON API for single-page apps: the sign-in flow as start, verify, resend and status.

``path("api/webotp/", include("django_webotp.api.urls"))`` in the site's URLconf. The views are
plain Django views over the same session state, rate limits and CSRF protection as the HTML
views; ``openapi.json`` beside them describes every route (docs/howto/json-api.md).
"""

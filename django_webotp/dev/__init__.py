"""Development tools: the dev SMS inbox and the Web OTP simulator. Never for production.

Include ``path("dev/", include("django_webotp.dev.urls"))`` in a development URLconf. Every view
answers 404 unless DEBUG is on, and the system checks webotp.E010 and webotp.E011 refuse the
include and ``WEBOTP_DEV_SIMULATOR`` when DEBUG is off.
"""

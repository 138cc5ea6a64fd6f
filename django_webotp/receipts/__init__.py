"""Delivery receipts: providers' status callbacks that update a challenge's delivery status.

Include ``django_webotp.receipts.urls`` in the site's URLconf. Each view checks the provider's
signature (forged or unsigned requests get 403 and change nothing), then ``apply.record()``
adds the receipt to the challenge's timeline and moves its status forward, never back.
"""

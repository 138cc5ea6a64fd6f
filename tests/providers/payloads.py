"""Provider answers as their API references show them, and the SDK hook to reach the stand-in."""

from __future__ import annotations

from twilio.http.http_client import TwilioHttpClient

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
API_KEY = "SK" + "fedcba9876543210" * 2
MESSAGE_SID = "SM" + "00112233445566778899aabbccddeeff"
SERVICE_SID = "MG" + "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
TO = "+447700900123"
BODY = "Your Example code is 123456.\n\n@example.com #123456"


class LocalTwilioHttpClient(TwilioHttpClient):
    """The SDK's own HTTP client, sending to the stand-in instead of https://api.twilio.com."""

    def __init__(self, base_url: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base_url = base_url

    def request(self, method, url, *args, **kwargs):
        url = url.replace("https://api.twilio.com", self.base_url, 1)
        return super().request(method, url, *args, **kwargs)


def twilio_message(**overrides) -> dict:
    """201 Created from POST /2010-04-01/Accounts/{AccountSid}/Messages.json."""
    uri = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{MESSAGE_SID}.json"
    return {
        "account_sid": ACCOUNT_SID,
        "api_version": "2010-04-01",
        "body": BODY,
        "date_created": "Thu, 24 Aug 2023 05:01:45 +0000",
        "date_sent": None,
        "date_updated": "Thu, 24 Aug 2023 05:01:45 +0000",
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": "+15005550006",
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": "1",
        "price": None,
        "price_unit": None,
        "sid": MESSAGE_SID,
        "status": "queued",
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        "to": TO,
        "uri": uri,
        **overrides,
    }


def twilio_error(code: int, status: int, message: str) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


VONAGE_ID = "0A0000000123ABCD1"


def vonage_sent(count: int = 1) -> dict:
    """200 from POST /sms/json when every part was accepted."""
    return {
        "message-count": str(count),
        "messages": [
            {
                "to": TO.removeprefix("+"),
                "message-id": VONAGE_ID if n == 0 else f"0A000000012{n}ABCD1",
                "status": "0",
                "remaining-balance": "3.14159265",
                "message-price": "0.03330000",
                "network": "23410",
            }
            for n in range(count)
        ],
    }


def vonage_refused(status: str, text: str) -> dict:
    """Also HTTP 200: the SMS API reports a refused message in its per-message status."""
    return {"message-count": "1", "messages": [{"status": status, "error-text": text}]}


def sns_published(message_id: str = "2a5c8b3d-5e6f-5a7b-8c9d-0e1f2a3b4c5d") -> str:
    return (
        '<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        f"<PublishResult><MessageId>{message_id}</MessageId></PublishResult>"
        "<ResponseMetadata><RequestId>f187a3c1-376f-11df-8963-01868b7c937a</RequestId>"
        "</ResponseMetadata></PublishResponse>"
    )


def sns_error(code: str, message: str, kind: str = "Sender") -> str:
    return (
        '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
        f"<Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>9dd01905-5012-5f99-8663-4b3ecd0dfaef</RequestId></ErrorResponse>"
    )

"""Amazon SNS through boto3: ``pip install django-webotp[sns]``.

One ``Publish`` per message, straight to the phone number, with
``AWS.SNS.SMS.SMSType = Transactional`` (one-time codes are transactional: better routes, sent
even to numbers on some marketing opt-out lists) and, when set, ``AWS.SNS.SMS.SenderID`` and
``AWS.MM.SMS.OriginationNumber``. Credentials come from boto3's own chain (environment, shared
config, instance or task role), never from Django settings. The ``MessageId`` becomes the
challenge's provider message id. SNS reports SMS delivery to CloudWatch Logs, not over HTTP, so
there is no receipts view for it (see docs/howto/sns.md).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from .provider import ProviderSmsBackend

__all__ = ["SmsBackend"]

AUTH_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "AuthorizationError",
    "ExpiredToken",
    "InvalidClientTokenId",
    "InvalidSecurity",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
}
THROTTLE_CODES = {"KMSThrottling", "Throttled", "Throttling", "ThrottlingException"}
UNROUTABLE_CODES = {"EndpointDisabled", "OptedOut"}
PARAMETER_CODES = {"InvalidParameter", "InvalidParameterValue", "ValidationException"}


def reason_for(code: str, text: str) -> str:
    """Our reason for an SNS error code; a parameter error about the phone number: a bad number."""
    if code in AUTH_CODES:
        return "auth"
    if code in THROTTLE_CODES:
        return "throttled"
    if code in UNROUTABLE_CODES:
        return "unroutable"
    if code in PARAMETER_CODES and "phone" in text.lower():
        return "invalid_number"
    return "error"


class SmsBackend(ProviderSmsBackend):
    name = "sns"
    label = "Amazon SNS"
    extra = "sns"
    sdk_module = "boto3"
    check_id = "webotp.E011"
    options = {
        "region": "SNS_REGION",
        "sender_id": "SNS_SENDER_ID",
        "origination_number": "SNS_ORIGINATION_NUMBER",
        "endpoint_url": "SNS_ENDPOINT_URL",
        "timeout": None,
    }
    required = ("region",)

    def client_key(self) -> Hashable:
        return (self.config["region"], self.config["endpoint_url"], self.timeout)

    def build_client(self) -> Any:
        import boto3
        from botocore.config import Config

        # No automatic retries: a slow provider should fail fast so failover (or the person,
        # with "resend") can try again, instead of stacking timeouts.
        config = Config(
            connect_timeout=self.timeout,
            read_timeout=self.timeout,
            retries={"mode": "standard", "total_max_attempts": 1},
        )
        # boto3 clients are thread-safe (its sessions are not: this one is used only here).
        # Credentials are found when the client is built; boto3 refreshes a role's by itself.
        return boto3.session.Session().client(
            "sns",
            region_name=self.config["region"],
            endpoint_url=self.config["endpoint_url"],
            config=config,
        )

    def attributes(self) -> dict[str, dict[str, str]]:
        attributes = {"AWS.SNS.SMS.SMSType": "Transactional"}
        if self.config["sender_id"]:
            attributes["AWS.SNS.SMS.SenderID"] = self.config["sender_id"]
        if self.config["origination_number"]:
            attributes["AWS.MM.SMS.OriginationNumber"] = self.config["origination_number"]
        return {k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()}

    def send_message(self, message: Any) -> str:
        from botocore.exceptions import (
            BotoCoreError,
            ClientError,
            ConnectTimeoutError,
            NoCredentialsError,
            PartialCredentialsError,
            ReadTimeoutError,
        )

        try:
            published = self.client.publish(
                PhoneNumber=message.to, Message=message.body, MessageAttributes=self.attributes()
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = error.get("Code", "")
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            reason = reason_for(code, error.get("Message", ""))
            raise self.failure(reason, f"SNS error {code}, HTTP {status}") from None
        except (NoCredentialsError, PartialCredentialsError):
            raise ImproperlyConfigured(
                "The sns SMS backend found no AWS credentials: give the process an IAM role, or "
                "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in its environment."
            ) from None
        except (ConnectTimeoutError, ReadTimeoutError):
            raise self.failure("timeout", f"no answer within {self.timeout} s") from None
        except BotoCoreError as exc:
            raise self.failure("error", f"could not reach the API: {type(exc).__name__}") from None
        return published["MessageId"]

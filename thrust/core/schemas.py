"""Base schema for the REST API: camelCase JSON field names, as in the seed (`memberId`, `fullName`)."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class ApiModel(BaseModel):
    """Every request and response body: snake_case in Python, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        extra="forbid",
    )


class Data(ApiModel, Generic[T]):
    """The seed's success envelope: `{"data": ...}`."""

    data: T

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from org_svc.domain.model import Law, UnitLevel
from platform_shared.roles import Role


class UnitCreate(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    level: UnitLevel
    parent_id: uuid.UUID
    code: str | None = Field(default=None, max_length=100)
    laws: list[Law] = []
    valid_from: datetime | None = None


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    code: str | None
    level: UnitLevel
    laws: list[Law]
    valid_from: datetime
    valid_to: datetime | None
    version: int


class PersonCreate(BaseModel):
    name: str = Field(min_length=1, max_length=300)
    email: EmailStr
    subject: str = Field(min_length=1, max_length=300, description="The identity provider's subject")


class PersonRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    email: str
    subject: str
    active: bool


class RoleAssignmentCreate(BaseModel):
    person_id: uuid.UUID
    role: Role
    unit_id: uuid.UUID
    valid_from: datetime | None = None
    valid_to: datetime | None = None
    acting: bool = False


class RoleAssignmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    role: Role
    unit_id: uuid.UUID
    valid_from: datetime
    valid_to: datetime | None
    acting: bool

"""Subject refs: the brukare or patient a case concerns, stored encrypted, shown only to case readers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from deviation_svc.adapters.orm import SubjectRef
from deviation_svc.service_layer.context import Ctx
from platform_shared.crypto import FieldCipher
from platform_shared.ids import new_id


@dataclass(frozen=True)
class SubjectInput:
    name: str | None
    personnummer: str | None
    protected_identity: bool = False
    insats: str | None = None  # the insats (e.g. hemtjänst) the person had, when it matters


@dataclass(frozen=True)
class SubjectView:
    id: uuid.UUID
    name: str | None
    personnummer: str | None
    protected_identity: bool
    insats: str | None = None


def add(ctx: Ctx, owner_type: str, owner_id: uuid.UUID, subject: SubjectInput) -> SubjectRef:
    cipher = ctx.parts.cipher
    ref = SubjectRef(
        id=new_id(),
        owner_type=owner_type,
        owner_id=owner_id,
        name_enc=cipher.encrypt(subject.name) if subject.name else None,
        personnummer_enc=cipher.encrypt(subject.personnummer) if subject.personnummer else None,
        personnummer_index=cipher.blind_index(subject.personnummer) if subject.personnummer else None,
        protected_identity=subject.protected_identity,
        insats_enc=cipher.encrypt(subject.insats) if subject.insats else None,
        created_at=ctx.now(),
        created_by=ctx.caller.id,
    )
    ctx.uow.session.add(ref)
    return ref


def add_all(ctx: Ctx, owner_type: str, owner_id: uuid.UUID, subjects: tuple[SubjectInput, ...]) -> None:
    for subject in subjects:
        add(ctx, owner_type, owner_id, subject)


def reveal(cipher: FieldCipher, ref: SubjectRef) -> SubjectView:
    return SubjectView(
        id=ref.id,
        name=cipher.decrypt(ref.name_enc) if ref.name_enc else None,
        personnummer=cipher.decrypt(ref.personnummer_enc) if ref.personnummer_enc else None,
        protected_identity=ref.protected_identity,
        insats=cipher.decrypt(ref.insats_enc) if ref.insats_enc else None,
    )


async def of(session: AsyncSession, cipher: FieldCipher, owner_id: uuid.UUID) -> list[SubjectView]:
    rows = await session.scalars(
        select(SubjectRef)
        .where(SubjectRef.owner_id == owner_id)
        .order_by(SubjectRef.created_at, SubjectRef.id)
    )
    return [reveal(cipher, r) for r in rows.all()]

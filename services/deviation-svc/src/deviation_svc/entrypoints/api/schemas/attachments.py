"""Response models of attachments (uploads are multipart)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AttachmentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    deviation_id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    uploaded_at: datetime


class AttachmentList(BaseModel):
    items: list[AttachmentRead]
    next_cursor: str | None = None

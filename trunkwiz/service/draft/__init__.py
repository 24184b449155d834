"""The wizard's draft: every value typed so far, keyed by API field name.

Pure data (no Textual, no pydantic at import). ``to_dict`` is what the draft store writes:
it never contains a password; the trunk password is kept in memory only, as a
``SecretStr``, until the apply call sends it.

Parts (private modules): ``_fields`` (the values each step asks for) and ``_draft`` (the
draft and its transitions). Import the names below from here.
"""

from trunkwiz.service.draft._draft import StepValues, TenantPick, WizardDraft
from trunkwiz.service.draft._fields import DRAFT_FIELDS, STEP_FIELDS, DraftField

__all__ = ["DRAFT_FIELDS", "STEP_FIELDS", "DraftField", "StepValues", "TenantPick", "WizardDraft"]

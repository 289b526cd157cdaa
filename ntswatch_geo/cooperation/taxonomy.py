"""Activity types, sides and kinds of participant of the cooperation record, with Thai and English labels."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    key: str
    th: str
    en: str

    def label(self, lang: str) -> str:
        return self.th if lang == "th" else self.en


ACTIVITY_TYPES: tuple[Label, ...] = (
    Label("workshop", "การประชุมเชิงปฏิบัติการเสริมสร้างความเชื่อมโยงลุ่มน้ำโขง",
          "Enhancing Mekong Linkage workshop"),
    Label("swot_session", "การวิเคราะห์ SWOT ร่วมกับผู้นำพื้นที่คู่ขนาน", "SWOT session with the facing district's leaders"),
    Label("visit_to_thailand", "การเยือนฝั่งไทยของผู้นำและประชาชนประเทศเพื่อนบ้าน",
          "Visit of Lao / Cambodian leaders and citizens to Thailand"),
    Label("visit_across", "การเยือนพื้นที่คู่ขนานฝั่งตรงข้าม", "Visit across the border"),
    Label("nts_literacy_training", "การอบรมความรู้ความมั่นคงรูปแบบใหม่ (NTS Literacy)", "NTS literacy training"),
    Label("social_cultural", "กิจกรรมทางสังคมและวัฒนธรรม", "Social / cultural event"),
    Label("security_dialogue", "การหารือความร่วมมือด้านความมั่นคง", "Security-cooperation dialogue"),
    Label("joint_officials", "กิจกรรมร่วมของเจ้าหน้าที่", "Joint activity of officials"),
)
ACTIVITY_TYPE_KEYS = tuple(a.key for a in ACTIVITY_TYPES)
ACTIVITY_TYPE_BY_KEY = {a.key: a for a in ACTIVITY_TYPES}

# other words people write for the types (folded: lower case, no spaces); labels and keys are matched too
ACTIVITY_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "workshop": ("workshop", "ประชุมเชิงปฏิบัติการ", "สัมมนา", "mekonglinkage", "เสริมสร้างความเชื่อมโยง"),
    "swot_session": ("swot", "วิเคราะห์swot"),
    "visit_to_thailand": ("visittothailand", "เยือนไทย", "เยือนฝั่งไทย", "ต้อนรับคณะ", "incomingvisit"),
    "visit_across": ("visitacross", "เยือนฝั่งตรงข้าม", "เยือนต่างประเทศ", "ศึกษาดูงานฝั่งตรงข้าม", "outgoingvisit"),
    "nts_literacy_training": ("ntsliteracy", "training", "อบรม", "อบรมntsliteracy", "อบรมความรู้", "changeagent",
                              "อบรมแกนนำ"),
    "social_cultural": ("cultural", "social", "culture", "วัฒนธรรม", "ประเพณี", "กีฬา", "กิจกรรมสังคม"),
    "security_dialogue": ("securitydialogue", "dialogue", "หารือความมั่นคง", "ความร่วมมือด้านความมั่นคง", "ประชุมความมั่นคง"),
    "joint_officials": ("jointofficials", "jointactivity", "กิจกรรมร่วม", "กิจกรรมร่วมของเจ้าหน้าที่", "ลาดตระเวนร่วม"),
}

SIDES: tuple[Label, ...] = (
    Label("th", "ฝั่งไทย", "Thai"),
    Label("la", "ฝั่ง สปป.ลาว", "Lao"),
    Label("kh", "ฝั่งกัมพูชา", "Cambodian"),
)
SIDE_COUNTRY = {"la": "LA", "kh": "KH"}      # the neighbour country of a side across the border
KINDS: tuple[Label, ...] = (
    Label("officials", "เจ้าหน้าที่", "officials"),
    Label("leaders", "ผู้นำชุมชน", "community leaders"),
    Label("citizens", "ประชาชน", "citizens"),
    Label("youth", "เยาวชน", "youth"),
)
PARTICIPANT_COLUMNS = tuple(f"{s.key}_{k.key}" for s in SIDES for k in KINDS)
MAX_PARTICIPANTS = 100_000        # per side and kind, one activity
MAX_BUDGET_THB = 1e9
MAX_TEXT = 2000
MAX_DAYS = 366                    # an activity's end at most this many days after its start


def type_label(key: str, lang: str) -> str:
    a = ACTIVITY_TYPE_BY_KEY.get(key)
    return a.label(lang) if a else key


def participant_label(column: str, lang: str) -> str:
    """'th_officials' -> 'Thai officials' / 'ฝั่งไทย เจ้าหน้าที่'."""
    side, kind = column.split("_", 1)
    s = next(x for x in SIDES if x.key == side)
    k = next(x for x in KINDS if x.key == kind)
    return f"{s.label(lang)} {k.label(lang)}" if lang == "th" else f"{s.en} {k.en}"

"""The data standard's code lists: the service's vocabulary in the database, the API, imports and reports.

Every characteristic keeps "not recorded" apart from "no": a review that says nothing is not a review
that says no.
"""

from django.db import models


class Reason(models.TextChoices):
    DEATH = "death", "Death"
    SERIOUS_HARM = "serious_harm", "Serious harm"
    OTHER = "other", "Other"


class Channel(models.TextChoices):
    ONLINE = "online", "Filed in the service"
    OFFLINE = "offline", "Reached the Panel another way and keyed in by it"


class OfflineMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    POST = "post", "Post"


class AbuseOrNeglect(models.TextChoices):
    KNOWN = "known", "Known"
    SUSPECTED = "suspected", "Suspected"
    NOT_SUSPECTED = "not_suspected", "Not suspected (looked-after child's death)"


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    OTHER = "other", "Other"
    NOT_RECORDED = "not_recorded", "Not recorded"


class TriState(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_RECORDED = "not_recorded", "Not recorded"


class History(models.TextChoices):
    """Family known to children's social care, child in need, child protection plan."""

    CURRENT = "current", "At the time of the incident"
    PREVIOUS = "previous", "Previously"
    NO = "no", "No"
    NOT_RECORDED = "not_recorded", "Not recorded"


class LookedAfter(models.TextChoices):
    FOSTER_CARE = "foster_care", "Looked after: foster care"
    RESIDENTIAL_HOME = "residential_home", "Looked after: residential children's home"
    OTHER_RESIDENTIAL = "other_residential", "Looked after: other residential setting"
    PREVIOUS = "previous", "Previously looked after"
    NO = "no", "No"
    NOT_RECORDED = "not_recorded", "Not recorded"


class CareOrder(models.TextChoices):
    CARE_PROCEEDINGS = "care_proceedings", "Currently subject to care proceedings"
    EMERGENCY_OR_INTERIM = "emergency_or_interim", "Emergency or interim protection order"
    PERMANENT = "permanent", "Permanent care order"
    OTHER_ORDER = "other_order", "Other order"
    PREVIOUS = "previous", "Previously"
    NO = "no", "No"
    NOT_RECORDED = "not_recorded", "Not recorded"


class Ethnicity(models.TextChoices):
    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    IRISH = "irish", "White: Irish"
    GYPSY_IRISH_TRAVELLER = "gypsy_irish_traveller", "White: Gypsy or Irish Traveller"
    WHITE_OTHER = "white_other", "White: any other White background"
    WHITE_BLACK_CARIBBEAN = "white_black_caribbean", "Mixed: White and Black Caribbean"
    WHITE_BLACK_AFRICAN = "white_black_african", "Mixed: White and Black African"
    WHITE_ASIAN = "white_asian", "Mixed: White and Asian"
    MIXED_OTHER = "mixed_other", "Mixed: any other mixed or multiple ethnic background"
    INDIAN = "indian", "Asian: Indian"
    PAKISTANI = "pakistani", "Asian: Pakistani"
    BANGLADESHI = "bangladeshi", "Asian: Bangladeshi"
    CHINESE = "chinese", "Asian: Chinese"
    ASIAN_OTHER = "asian_other", "Asian: any other Asian background"
    AFRICAN = "african", "Black: African"
    CARIBBEAN = "caribbean", "Black: Caribbean"
    BLACK_OTHER = "black_other", "Black: any other Black, Black British or Caribbean background"
    ARAB = "arab", "Other: Arab"
    OTHER_ETHNIC_GROUP = "other_ethnic_group", "Other: any other ethnic group"
    REFUSED = "refused", "Refused"
    NOT_RECORDED = "not_recorded", "Not recorded"


ETHNICITY_GROUPS = {
    "white": ["white_british", "irish", "gypsy_irish_traveller", "white_other"],
    "mixed": ["white_black_caribbean", "white_black_african", "white_asian", "mixed_other"],
    "asian": ["indian", "pakistani", "bangladeshi", "chinese", "asian_other"],
    "black": ["african", "caribbean", "black_other"],
    "other": ["arab", "other_ethnic_group"],
}
ETHNICITY_GROUP_OF = {code: group for group, codes in ETHNICITY_GROUPS.items() for code in codes}


class AgeGroup(models.TextChoices):
    UNDER_1 = "under_1", "Under 1"
    AGE_1_TO_5 = "1_to_5", "1 to 5"
    AGE_6_TO_10 = "6_to_10", "6 to 10"
    AGE_11_TO_15 = "11_to_15", "11 to 15"
    AGE_16_TO_17 = "16_to_17", "16 to 17"
    NOT_RECORDED = "not_recorded", "Not recorded"


def age_group(age_years):
    """The data standard's age group for an age in whole years at the incident date."""
    if age_years is None:
        return AgeGroup.NOT_RECORDED
    if age_years < 1:
        return AgeGroup.UNDER_1
    if age_years <= 5:
        return AgeGroup.AGE_1_TO_5
    if age_years <= 10:
        return AgeGroup.AGE_6_TO_10
    if age_years <= 15:
        return AgeGroup.AGE_11_TO_15
    return AgeGroup.AGE_16_TO_17


class LcsprDecision(models.TextChoices):
    REQUIRED = "required", "A local review is required"
    NOT_REQUIRED = "not_required", "A local review is not required"


class PanelPosition(models.TextChoices):
    """The Panel's view of the partnership's decision on a local review. A disagreement with
    `not_required` means further learning; with `required`, limited learning (data standard)."""

    AGREE = "agree", "The Panel agrees"
    DISAGREE = "disagree", "The Panel disagrees"


class NationalReview(models.TextChoices):
    """The Panel's decision on a national review, in its response letter."""

    NOT_NEEDED = "not_needed", "Not needed"
    UNDER_CONSIDERATION = "under_consideration", "Under consideration"
    COMMISSIONED = "commissioned", "A national review of this case"
    THEMATIC = "thematic", "Included in a thematic national review"


DEATH_CAUSES = {
    "accident_injury": "Accident or injury",
    "homicide_intrafamilial": "Homicide: intrafamilial",
    "homicide_extrafamilial": "Homicide: extrafamilial",
    "overt_homicide_primary_caregiver": "Overt homicide by a primary caregiver",
    "covert_homicide_primary_caregiver": "Covert homicide by a primary caregiver",
    "death_following_self_harm": "Death following self-harm",
    "extreme_neglect": "Extreme neglect",
    "fabricated_induced_illness": "Fabricated or induced illness",
    "fatal_assault_intrafamilial": "Fatal assault: intrafamilial",
    "fatal_assault_extrafamilial": "Fatal assault: extrafamilial",
    "medical": "Medical",
    "risk_taking": "Risk-taking",
    "severe_persistent_cruelty": "Severe and persistent cruelty",
    "suicide": "Suicide",
    "unclear": "Unclear",
    "sudi_sudc": "Unexplained sudden death in infancy or childhood",
}
SERIOUS_HARM_CAUSES = {
    "accident_injury": "Accident or injury",
    "attempted_suicide": "Attempted suicide",
    "child_criminal_exploitation": "Child criminal exploitation",
    "csa_intrafamilial": "Child sexual abuse: intrafamilial",
    "csa_extrafamilial": "Child sexual abuse: extrafamilial",
    "child_sexual_exploitation": "Child sexual exploitation",
    "emotional_abuse": "Emotional abuse",
    "fabricated_induced_illness": "Fabricated or induced illness",
    "medical": "Medical",
    "non_fatal_assault_extrafamilial": "Non-fatal assault: extrafamilial",
    "non_fatal_assault_intrafamilial": "Non-fatal assault: intrafamilial",
    "non_fatal_neglect": "Non-fatal neglect",
    "other_non_fatal": "Other non-fatal",
    "risk_taking": "Risk-taking",
    "self_harm": "Self-harm",
    "severe_persistent_cruelty": "Severe and persistent cruelty",
    "unclear": "Unclear",
}
# The likely cause's list depends on the reason at review; "other" uses the serious harm list.
CAUSES_BY_REASON = {
    Reason.DEATH: DEATH_CAUSES,
    Reason.SERIOUS_HARM: SERIOUS_HARM_CAUSES,
    Reason.OTHER: SERIOUS_HARM_CAUSES,
}
ALL_CAUSES = {**SERIOUS_HARM_CAUSES, **DEATH_CAUSES}


class PracticeTheme(models.TextChoices):
    LEADERSHIP_CULTURE = "leadership_culture", "Leadership and culture supporting critical thinking and challenge"
    RACE_ETHNICITY_CULTURE = "race_ethnicity_culture", "Racial, ethnic and cultural identity"
    WHOLE_FAMILY = "whole_family", "Whole-family approach to risk"
    BABIES = "babies", "Vulnerability of babies"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse across services"
    RISKS_OUTSIDE_FAMILY = "risks_outside_family", "Risks outside the family"


class QualityTheme(models.TextChoices):
    """Feedback on the quality of a rapid review, in the Panel's letter."""

    COMMENDED = "commended", "Commended"
    CHRONOLOGY_TOO_DETAILED = "chronology_too_detailed", "Chronology too detailed"
    CHRONOLOGY_BY_AGENCY = "chronology_by_agency", "Chronology set out agency by agency"
    INSUFFICIENT_ANALYSIS_OF_WHY = "insufficient_analysis_of_why", "Insufficient analysis of why things happened"
    LACKS_CLARITY = "lacks_clarity", "Lacks clarity"
    LINES_OF_ENQUIRY_UNCLEAR = "lines_of_enquiry_unclear", "Lines of enquiry unclear"
    CHILD_CONTEXT_MISSING = "child_context_missing", "The child's context is missing"
    RACE_CULTURE_NOT_CONSIDERED = "race_culture_not_considered", "Race and culture not considered"
    SINGLE_INCIDENT_FOCUS = "single_incident_focus", "Focus on a single incident"
    ETHNICITY_IMPACT_NOT_CONSIDERED = "ethnicity_impact_not_considered", "Impact of ethnicity not considered"

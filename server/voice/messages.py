"""UI strings for youth voice (issue 16): the pulse, unsafe places and "You said, we did".

Merged into ``server.messages.UI_MESSAGES``, so the app, the presenter and the pupils' pulse
page get them from /api/v1/messages like every other string.
"""

from __future__ import annotations

from server.i18n import N_

VOICE_MESSAGES: dict[str, str] = {
    "pulse.title": N_("Class pulse"),
    "pulse.intro": N_(
        "Say what you think. Nobody can see who answered: we keep only how many chose each answer."
    ),
    "pulse.before": N_("Before the lesson"),
    "pulse.after": N_("After the lesson"),
    "pulse.send": N_("Send my answers"),
    "pulse.thanks": N_("Thank you. Your answers are in."),
    "pulse.already": N_("You have already answered on this phone."),
    "pulse.closed": N_("This pulse has closed."),
    "pulse.not_found": N_("There is no pulse with that code. Check the code on the screen."),
    "pulse.choose": N_("Choose an answer for each statement"),
    "pulse.code": N_("Code: {code}"),
    "pulse.scan": N_("Scan the QR code, or open {address} and type the code."),
    "pulse.answered": N_("Answered: {count}"),
    "pulse.waiting": N_("The results show once 10 people have answered."),
    "pulse.start_before": N_("Start the pulse before the lesson"),
    "pulse.start_after": N_("Start the pulse after the lesson"),
    "pulse.compare": N_("Before and after"),
    "pulse.rounded": N_("Percentages are rounded to the nearest 5."),
    "pulse.answer.agree": N_("Agree"),
    "pulse.answer.not_sure": N_("Not sure"),
    "pulse.answer.disagree": N_("Disagree"),
    "pulse.answer.1": N_("1: disagree strongly"),
    "pulse.answer.5": N_("5: agree strongly"),
    "pulse.card_question": N_("One quick question (you can skip it)"),
    "pulse.skip": N_("Skip"),
    "unsafe.title": N_("A place feels unsafe"),
    "unsafe.intro": N_(
        "Tell us about a place that feels unsafe. We keep only the area, like LU1 2, "
        "never the exact place."
    ),
    "unsafe.q_kind": N_("What makes it feel unsafe?"),
    "unsafe.kind.badly_lit": N_("It is badly lit"),
    "unsafe.kind.people_dealing": N_("People dealing drugs"),
    "unsafe.kind.groups_gathering": N_("Groups gathering"),
    "unsafe.kind.seen_weapon": N_("I have seen someone with a weapon"),
    "unsafe.kind.followed_or_harassed": N_("Being followed or harassed"),
    "unsafe.kind.other": N_("Something else"),
    "unsafe.q_time": N_("When does it feel unsafe?"),
    "unsafe.time.morning": N_("In the morning"),
    "unsafe.time.afternoon": N_("In the afternoon"),
    "unsafe.time.evening": N_("In the evening"),
    "unsafe.time.night": N_("At night"),
    "unsafe.time.any_time": N_("At any time"),
    "unsafe.q_place": N_("Where is it?"),
    "unsafe.postcode_label": N_("A postcode near the place"),
    "unsafe.use_location": N_("Use my location"),
    "unsafe.location_note": N_("Your location only finds the area. It is not kept."),
    "unsafe.place_error": N_("Type a postcode or use your location"),
    "unsafe.q_more": N_("Anything else you want to tell the team? (you do not have to)"),
    "unsafe.more_hint": N_("Only the team reads this. It is never published."),
    "unsafe.sent": N_("Thank you. The team will look at it."),
    "unsafe.kept_area": N_("We kept only the area: {sector}"),
    "said.title": N_("You said, we did"),
    "said.intro": N_("What has changed because young people spoke up."),
    "said.none": N_("Nothing here yet."),
    "said.english_only": N_("Only in English"),
}

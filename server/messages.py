"""UI strings for the app shell, by key; the PWA gets them from /api/v1/messages."""

from __future__ import annotations

from server.i18n import N_

# Keys are stable names the shell's JavaScript uses; values are the English source text,
# marked with N_ so `consequences i18n extract` finds them. Add new strings at the end of
# their group and keep keys dotted by screen.
UI_MESSAGES: dict[str, str] = {
    "app.name": N_("Consequences Card"),
    "app.tagline": N_("What really happens if you carry a knife, and where to get help."),
    "app.needs_js": N_("This app needs JavaScript to work."),
    "app.translation_unreviewed": N_(
        "This translation has not yet been checked by a fluent speaker."
    ),
    "help_now.title": N_("Get help now"),
    "help_now.emergency": N_("Emergency: call 999"),
    "help_now.childline": N_("Childline: 0800 1111 (free, any time)"),
    "quick_exit.label": N_("Quick exit"),
    "quick_exit.hint": N_("Leave this app quickly. You can also press Shift three times."),
    "home.who": N_("Who are you?"),
    "home.young_person": N_("I'm a young person"),
    "home.parent": N_("I'm a parent or carer"),
    "home.teacher": N_("I'm a teacher"),
    "card.key_points": N_("Key points"),
    "card.sources": N_("Sources"),
    "card.last_checked": N_("Last checked"),
    "card.related_help": N_("Where to get help"),
    "card.discussion": N_("Questions to talk about"),
    "card.jurisdiction": N_("Scotland and Northern Ireland"),
    "nav.home": N_("Home"),
    "nav.help": N_("Find help"),
    "nav.report": N_("Tell someone"),
    "nav.check": N_("Check a report"),
    "nav.settings": N_("Settings"),
    "nav.about": N_("About"),
    "offline.title": N_("You are offline"),
    "offline.body": N_("This page needs a connection. Cards and helplines still work offline."),
    "error.generic": N_("Something went wrong. Please try again."),
    # Anonymous reports (issue 4): the API answers with these too, in the reporter's language.
    "report.status.received": N_("Your report has arrived. Nobody has read it yet."),
    "report.status.being_looked_at": N_("Someone in the team is reading your report."),
    "report.status.passed_on": N_(
        "The team has passed your report on to people who can act on it."
    ),
    "report.status.closed": N_("The team has finished with your report."),
    "report.thank_you": N_(
        "Thank you for telling us. Write down your code: you need it to see if the team has "
        "read your report or asked you a question. Nobody else can see who you are."
    ),
    "report.emergency": N_("Call 999 now."),
    "report.code_not_found": N_(
        "We could not find a report with that code. Check each word and the four numbers."
    ),
    "report.closed": N_(
        "The team has finished with this report. If something new has happened, "
        "please send a new report."
    ),
    "report.too_many_messages": N_(
        "This report has all the messages it can hold. Please send a new report."
    ),
    "report.too_many_requests": N_(
        "You have sent a lot in a short time. Please wait a while and try again."
    ),
    # Lessons and ESOL classes (issue 6): the presenter and print pages.
    "lessons.loading": N_("Loading…"),
    "lessons.load_failed": N_("We could not load this card. Check the connection and try again."),
    "lessons.learning_objectives": N_("By the end of this lesson"),
    "lessons.minutes": N_("{minutes} minutes"),
    "lessons.what_would_you_do": N_("What would you do?"),
    "lessons.choices": N_("Choices to talk about"),
    "lessons.help_numbers": N_("Help numbers"),
    "lessons.free_from_mobiles": N_("Free from mobiles"),
    "lessons.text": N_("Text {number}"),
    "lessons.scan_card": N_("Scan to open this card on your phone"),
    "lessons.scan_help": N_("Scan to find help near you"),
    "present.controls": N_("Slide controls"),
    "present.previous": N_("Previous slide"),
    "present.next": N_("Next slide"),
    "present.progress": N_("Slide {current} of {total}"),
    "present.notes_show": N_("Show teacher notes"),
    "present.notes_hide": N_("Hide teacher notes"),
    "present.teacher_notes": N_("Teacher notes"),
    "present.fullscreen": N_("Full screen"),
    "present.fullscreen_exit": N_("Leave full screen"),
    "present.keys": N_(
        "Next: right arrow, Page Down or space. Back: left arrow or Page Up. "
        "N: teacher notes. F: full screen. B: blank screen."
    ),
    "present.question": N_("Question {number} of {total}"),
    "present.closing": N_("Take it with you"),
    "print.print": N_("Print"),
    "print.layout": N_("Layout"),
    "print.layout_pocket": N_("Pocket cards, 4 on A4"),
    "print.layout_handout": N_("Handout, A4"),
    "print.layout_bilingual": N_("Two languages, A4"),
    "print.pocket_hint": N_(
        "Print both sides of the paper, flipping on the long edge. Then cut along the lines."
    ),
    "print.scan_card": N_("Scan to read this card"),
    "print.words": N_("Words to know"),
    "category.youth_club": N_("Youth clubs"),
    "category.sport_and_boxing": N_("Sport and boxing"),
    "category.mentoring": N_("Mentoring"),
    "category.mental_health": N_("Mental health"),
    "category.victim_support": N_("Victim support"),
    "category.exploitation_support": N_("Exploitation and gangs support"),
    "category.family_support": N_("Family support"),
    "category.education_training": N_("Education and training"),
    "category.legal_advice": N_("Legal advice"),
    "category.helpline": N_("Helplines"),
    "finder.sample": N_("Sample data: this service is made up, to show how the finder works."),
    "finder.open_now": N_("Open now"),
    "finder.closed_now": N_("Closed now"),
    "finder.free": N_("Free"),
    "finder.drop_in": N_("Drop in, no referral needed"),
    "finder.referral": N_("Referral needed"),
    "finder.no_postcodes": N_(
        "Postcode search is not set up on this server. Please use your location instead."
    ),
}

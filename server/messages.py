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
    # -- The app shell (issue 5): every screen's words.
    "app.skip_link": N_("Skip to main content"),
    "quick_exit.sr_suffix": N_(", leave this app now"),
    "nav.label": N_("Menu"),
    "home.cards.young_person": N_("Cards for young people"),
    "home.cards.parent": N_("Cards for parents and carers"),
    "home.cards.teacher": N_("Cards for teachers"),
    "card.not_found": N_("We could not find that card"),
    "card.back_home": N_("Go back to all the cards"),
    "card.read_aloud": N_("Read aloud"),
    "card.stop_reading": N_("Stop reading"),
    "card.present": N_("Present"),
    "card.print": N_("Print"),
    "card.scenarios": N_("What would you do?"),
    "card.learning_objectives": N_("By the end, learners will"),
    "card.minutes": N_("{minutes} minutes"),
    "card.teacher_notes": N_("Notes for the teacher"),
    "card.where_applies": N_("Where this applies"),
    "card.applies_england_wales": N_("This card is about the law in England and Wales."),
    "card.find_nearby": N_("Find near you: {service}"),
    "help.title": N_("Find help near you"),
    "help.intro": N_(
        "Find youth clubs, sport, mentoring and support near you. We only use your location "
        "to search, and we do not keep it."
    ),
    "help.use_location": N_("Use my location"),
    "help.location_hint": N_("Your phone will ask if the app can use your location."),
    "help.locating": N_("Finding your location…"),
    "help.location_error": N_("We could not get your location. Type a postcode instead."),
    "help.postcode": N_("Or type a postcode"),
    "help.postcode_hint": N_("For example, LU1 2AB or just LU1"),
    "help.postcode_missing": N_("Type a postcode, or use your location"),
    "help.filters": N_("Filters"),
    "help.category": N_("What kind of help?"),
    "help.age": N_("Your age"),
    "help.age_error": N_("Type your age as a number, like 15"),
    "help.language": N_("Language spoken"),
    "help.any_language": N_("Any language"),
    "help.free_only": N_("Free only"),
    "help.open_now_only": N_("Open now only"),
    "help.search": N_("Search"),
    "help.searching": N_("Searching…"),
    "help.found": N_("Places found: {count}"),
    "help.results_near": N_("Results near: {place}"),
    "help.last_results": N_("Your last search: {place}"),
    "help.no_results": N_(
        "We found nothing that matches. Try fewer filters, or call one of the helplines below."
    ),
    "help.offline": N_("You are offline. You can still call the helplines below."),
    "help.offline_last": N_(
        "You are offline. These are the results of your last search, saved on this phone."
    ),
    "help.open_now": N_("Open now"),
    "help.closed_now": N_("Closed now"),
    "help.free": N_("Free"),
    "help.opening_hours": N_("Opening hours"),
    "help.languages": N_("Languages spoken"),
    "help.referral_needed": N_("You need to be referred, for example by a school or a doctor."),
    "help.sample": N_("Example service: not a real place."),
    "help.call": N_("Call"),
    "help.text": N_("Text"),
    "help.website": N_("{name} website"),
    "help.free_from_mobiles": N_("Free from mobiles"),
    "help.national": N_("Helplines for anyone in the UK"),
    "report.title": N_("Tell someone, without giving your name"),
    "report.intro": N_(
        "Tell us about knives, threats, or someone being pressured. A small team reads every "
        "report and decides what to do."
    ),
    "report.danger_title": N_("Is someone in danger right now? Call 999."),
    "report.call_999": N_("Call 999"),
    "report.silent_solution": N_(
        "If you call 999 from a mobile and cannot speak, listen to the questions, then press "
        "55 when asked."
    ),
    "report.anonymous_title": N_("What anonymous means here"),
    "report.anonymous_means": N_(
        "We do not ask your name. The team cannot see who you are, your phone number or "
        "where you are."
    ),
    "report.anonymous_not": N_(
        "If you write your name or other details, the team will see them. The team does not "
        "read reports all the time, so if someone is in danger right now, call 999."
    ),
    "report.history": N_(
        "This app cannot clear your browser's history: it may still show that you visited this "
        "site. Quick exit hides the app and clears what the app saved on this phone. To clear the "
        "history, use your browser's settings."
    ),
    "report.start": N_("Start"),
    "report.waiting": N_("Reports waiting to send from this phone: {count}"),
    "report.discard_waiting": N_("Delete the waiting report"),
    "report.q_danger": N_("Is someone in danger right now?"),
    "report.q_danger_error": N_("Choose yes or no"),
    "report.q_category": N_("What is it about?"),
    "report.q_category_error": N_("Choose what it is about"),
    "report.category.seen_a_knife": N_("I have seen a knife or another weapon"),
    "report.category.someone_carrying": N_("Someone is carrying a knife"),
    "report.category.threat_or_planned_violence": N_(
        "Someone has been threatened, or a fight or attack is planned"
    ),
    "report.category.being_pressured_or_exploited": N_(
        "Someone is being pressured or used by others, for example to carry drugs or weapons"
    ),
    "report.category.unsafe_place": N_("A place feels unsafe"),
    "report.category.something_else": N_("Something else"),
    "report.q_what": N_("What happened?"),
    "report.q_what_hint": N_(
        "Say what happened, and who was involved if you know. You do not need to give your name."
    ),
    "report.q_what_error": N_("Write what happened"),
    "report.q_what_too_long": N_("Write 4,000 characters or fewer"),
    "report.q_where": N_("Where did it happen?"),
    "report.where_label": N_("Place (you do not have to say)"),
    "report.where_hint": N_("For example, a street, a park, a shop or a school"),
    "report.where_too_long": N_("Write 200 characters or fewer"),
    "report.area_label": N_("Start of the postcode (you do not have to say)"),
    "report.area_hint": N_("Only the first part, for example LU1"),
    "report.area_error": N_("Type only the first part of a postcode, like LU1"),
    "report.q_when": N_("When did it happen?"),
    "report.q_when_error": N_("Choose when it happened"),
    "report.when.now": N_("It is happening now"),
    "report.when.today": N_("Today"),
    "report.when.this_week": N_("This week"),
    "report.when.earlier": N_("Before this week"),
    "report.not_given": N_("Not given"),
    "report.check_title": N_("Check your report before you send it"),
    "report.send": N_("Send report"),
    "report.sent_title": N_("Your report has been sent"),
    "report.your_code": N_("Your follow-up code is:"),
    "report.write_it_down": N_(
        "Write it down now. You need it to see replies, and we cannot show it again."
    ),
    "report.copy_code": N_("Copy the code"),
    "report.copied": N_("Copied."),
    "report.copy_failed": N_("Could not copy. Please write the code down."),
    "report.keep_code": N_("Keep the code on this phone"),
    "report.code_kept": N_("The code is saved on this phone. Quick exit deletes it."),
    "report.check_later": N_("Check for replies later"),
    "report.offline_title": N_("You are offline"),
    "report.offline_body": N_("Your report cannot be sent yet because there is no connection."),
    "report.offline_consent_hint": N_(
        "We can send it for you when you are back online. Until then it is kept on this phone, "
        "and it is deleted as soon as it is sent. You can delete it at any time."
    ),
    "report.send_when_online": N_("Send it when I am back online"),
    "report.dont_send": N_("Do not send it"),
    "report.queued_title": N_("Your report is waiting to send"),
    "report.queued_body": N_(
        "It will be sent when you are back online and the app is open. Then it is deleted from "
        "this phone."
    ),
    "report.discard": N_("Delete it and do not send"),
    "report.discarded": N_("Your report has been deleted"),
    "report.start_again": N_("Make a new report"),
    "report.refused": N_("A report waiting on this phone could not be sent, so it was deleted."),
    "check.title": N_("Check a report"),
    "check.intro": N_("Type your follow-up code to see what is happening and any replies."),
    "check.code_label": N_("Follow-up code"),
    "check.code_hint": N_("You got it when you sent your report"),
    "check.code_missing": N_("Type your follow-up code"),
    "check.submit": N_("Check"),
    "check.offline": N_("You are offline. Try again when you have a connection."),
    "check.status": N_("What is happening"),
    "check.messages": N_("Messages"),
    "check.no_messages": N_("No messages yet."),
    "check.from.team": N_("The team"),
    "check.from.reporter": N_("You"),
    "check.reply_label": N_("Reply to the team"),
    "check.reply_missing": N_("Write your reply"),
    "check.reply_send": N_("Send reply"),
    "settings.title": N_("Settings"),
    "settings.intro": N_("These settings are saved on this phone only."),
    "settings.language": N_("Language"),
    "settings.text_size": N_("Text size"),
    "settings.text_size.standard": N_("Standard"),
    "settings.text_size.large": N_("Large"),
    "settings.text_size.larger": N_("Larger"),
    "settings.read_aloud": N_("Read aloud"),
    "settings.read_aloud_hint": N_("Show a button that reads cards out loud, if your phone can."),
    "settings.bilingual": N_("English alongside"),
    "settings.bilingual_hint": N_("Show the English next to each part of a card."),
    "settings.saved": N_("Saved."),
    "about.title": N_("About this app"),
    "about.what_title": N_("What this app is"),
    "about.what_1": N_(
        "Consequences Card gives young people, parents, carers and teachers short, checked facts "
        "about what really happens if you carry a knife, and where to get help."
    ),
    "about.what_2": N_(
        "It works without a signal once you have opened it, and you can add it to your home screen."
    ),
    "about.privacy_title": N_("Your privacy"),
    "about.privacy_1": N_(
        "We do not ask who you are. We do not use cookies, adverts or tracking, and we do not "
        "keep your location, your postcode or your internet address."
    ),
    "about.privacy_2": N_(
        "The app keeps your settings on this phone. It keeps your last help search and any report "
        "waiting to send only until you use Quick exit, and a waiting report only until it is sent."
    ),
    "about.privacy_3": N_(
        "Quick exit, or pressing Shift three times, hides the app at once, opens an everyday "
        "website and deletes what the app kept about what you were doing."
    ),
    "about.privacy_4": N_(
        "The app cannot delete your browser's history. You can do that in your browser's settings."
    ),
    "about.credits_title": N_("Credits"),
    "about.credits_content": N_(
        "Cards are written from official sources, which each card lists, and are checked regularly."
    ),
    "about.credits_services": N_(
        "Local services come from Open Referral UK directories published by councils and charities."
    ),
    "about.credits_postcodes": N_(
        "Postcode locations: Contains OS data © Crown copyright and database right 2025. Contains "
        "Royal Mail data © Royal Mail copyright and database right 2025. Contains National "
        "Statistics data © Crown copyright and database right 2025."
    ),
    "about.credits_postcodes_2": N_(
        "Postcodes in Northern Ireland, the Channel Islands and the Isle of Man: GeoNames "
        "(https://www.geonames.org/), CC BY 4.0. Contains Royal Mail data © Royal Mail copyright "
        "and database right."
    ),
    "about.version": N_("Version {version}"),
    "glossary.title": N_("Word list"),
    "glossary.intro": N_("What some words on the cards mean."),
    "form.continue": N_("Continue"),
    "form.back": N_("Back"),
    "form.change": N_("Change"),
    "form.yes": N_("Yes"),
    "form.no": N_("No"),
    "form.error_title": N_("There is a problem"),
    "update.ready": N_(
        "A new version of the app is ready. It will be used next time you open or reload the app."
    ),
    "update.reload": N_("Reload now"),
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
    # Withdrawing a report (issue 13): the reporter's status page and the API's answer.
    "report.withdraw_explain": N_(
        "You can withdraw your report. It is deleted at once with all its messages, the team "
        "can no longer read it, and your code stops working."
    ),
    "report.withdraw": N_("Withdraw my report"),
    "report.withdraw_confirm": N_("Yes, delete my report"),
    "report.withdrawn": N_("Your report has been deleted. Your code no longer works."),
    "finder.drop_in": N_("Drop in, no referral needed"),
    "finder.referral": N_("Referral needed"),
    "finder.no_postcodes": N_(
        "Postcode search is not set up on this server. Please use your location instead."
    ),
    # The staff inbox (/staff). Report choices use the words the reporter chose from above.
    "staff.title": N_("Reports inbox"),
    "staff.sign_in": N_("Sign in"),
    "staff.sign_out": N_("Sign out"),
    "staff.username": N_("Username"),
    "staff.password": N_("Password"),
    "staff.reports": N_("Reports"),
    "staff.status": N_("Status"),
    "staff.category": N_("Category"),
    "staff.any": N_("Any"),
    "staff.show": N_("Show"),
    "staff.export": N_("Export CSV"),
    "staff.pages": N_("Pages"),
    "staff.newer": N_("Newer"),
    "staff.older": N_("Older"),
    "staff.count": N_("Reports: {count}"),
    "staff.page": N_("Page {page} of {pages}"),
    "staff.report_title": N_("Report {id}: {category}"),
    "staff.danger_now": N_("Danger now"),
    "staff.needs_reply": N_("Needs a reply"),
    "staff.received": N_("Received {hour}"),
    "staff.status.received": N_("Received"),
    "staff.status.being_looked_at": N_("Being looked at"),
    "staff.status.passed_on": N_("Passed on"),
    "staff.status.closed": N_("Closed"),
    "staff.back": N_("Back to the inbox"),
    "staff.danger_said": N_("Said someone was in danger at the time of reporting"),
    "staff.field.received": N_("Received (UTC, to the hour)"),
    "staff.field.area": N_("Area"),
    "staff.field.lang": N_("Reporter's language"),
    "staff.notes": N_("Internal notes (the reporter never sees these)"),
    "staff.save": N_("Save"),
    "staff.thread": N_("Messages with the reporter"),
    "staff.from_team": N_("Team ({name})"),
    "staff.from_reporter": N_("Reporter"),
    "staff.reply_label": N_(
        "Ask a question or answer (the reporter sees this when they check their code)"
    ),
    # -- issue 11: "Report a mistake" on every card and helpline, and its staff queue
    "feedback.link": N_("Report a mistake"),
    "feedback.title": N_("Something wrong here?"),
    "feedback.kind": N_("What is wrong?"),
    "feedback.kind.wrong_fact": N_("A fact is wrong"),
    "feedback.kind.bad_translation": N_("The translation is wrong or unclear"),
    "feedback.kind.out_of_date": N_("It is out of date"),
    "feedback.kind.something_else": N_("Something else"),
    "feedback.text": N_(
        "Tell us more if you want to (up to 1,000 characters). Do not write your name."
    ),
    "feedback.send": N_("Send"),
    "feedback.thanks": N_("Thank you. We will check it."),
    "feedback.too_many": N_("You have sent a lot of these. Please try again later."),
    "staff.feedback.title": N_("Reports of mistakes in cards and helplines"),
    "staff.feedback.none": N_("Nothing to check."),
    "staff.feedback.done": N_("Mark as done"),
    # The safeguarding inbox (issue 13): sign-in with a second factor, owners, deadlines,
    # decisions and handover, the audit trail, shortcuts.
    "staff.totp": N_("Code from your authenticator app (or a recovery code)"),
    "staff.enrol": N_("First sign-in: set up your code"),
    "staff.enrol_help": N_(
        "Scan this with an authenticator app, then sign in with the 6-digit code it shows."
    ),
    "staff.change_password": N_("Change password"),
    "staff.current_password": N_("Current password"),
    "staff.new_password": N_("New password (at least 12 characters)"),
    "staff.password_changed": N_("Your password is changed. Your other sign-ins have ended."),
    "staff.recovery_title": N_("Your recovery codes"),
    "staff.recovery_help": N_(
        "Each works once instead of the 6-digit code. Keep them somewhere safe: they are "
        "shown only now."
    ),
    "staff.filter.mine": N_("Mine"),
    "staff.filter.unassigned": N_("Unassigned"),
    "staff.filter.overdue": N_("Overdue"),
    "staff.owner": N_("Owner"),
    "staff.owner_leads": N_("The leads (unassigned)"),
    "staff.assign": N_("Assign"),
    "staff.overdue": N_("Overdue by {time}"),
    "staff.acknowledge_by": N_("Acknowledge by {time}"),
    "staff.decide_by": N_("Decide by {time}"),
    "staff.decision": N_("Decision and handover"),
    "staff.outcome": N_("Outcome"),
    "staff.outcome.concern_confirmed": N_("Concern confirmed"),
    "staff.outcome.concern_not_confirmed": N_("Concern not confirmed"),
    "staff.outcome.not_enough_information": N_("Not enough information"),
    "staff.outcome.duplicate": N_("Duplicate of another report"),
    "staff.destination": N_("Handed over to"),
    "staff.destination.police": N_("Police"),
    "staff.destination.crimestoppers_fearless": N_("Crimestoppers or Fearless"),
    "staff.destination.childrens_social_care": N_("Children's social care"),
    "staff.destination.school_dsl": N_("School or college safeguarding lead"),
    "staff.destination.another_service": N_("Another service (name it)"),
    "staff.destination.no_further_action": N_("No further action"),
    "staff.destination_name": N_("Name of the service"),
    "staff.reason": N_("Reason (up to 2,000 characters)"),
    "staff.decide": N_("Decide and close"),
    "staff.decided": N_("Decided: {outcome}. Handed over to: {destination}."),
    "staff.audit": N_("What happened to this report (audit trail)"),
    "staff.mail_failures": N_(
        "{count} email notification(s) could not be sent. Check the mail settings."
    ),
    "staff.shortcuts": N_("Keyboard shortcuts"),
    "staff.shortcuts_help": N_(
        "j and k: next and previous report. o: open it. u: back to the list. a: assign. "
        "r: reply. d: decide. ?: show or hide this help."
    ),
    # -- Listings people can trust (issue 15): freshness and "Suggest a change" in the help
    # finder, and the staff's listings queue.
    "help.out_of_date": N_("May be out of date"),
    "help.suggest": N_("Suggest a change"),
    "help.suggest.out_of_date": N_("Something is out of date"),
    "help.suggest.extra_information": N_("Extra information to add"),
    "help.suggest.service_closed": N_("The service has closed"),
    "help.suggest.something_else": N_("Something else"),
    "help.suggest_text": N_("Tell us more (optional). Please do not write any names."),
    "help.suggest_send": N_("Send suggestion"),
    "help.suggest_thanks": N_("Thank you. The team will check this listing."),
    "staff.listings": N_("Suggested changes to listings"),
    "staff.mark_done": N_("Mark done"),
    "staff.sources": N_("Directory sources"),
    # -- The app on a phone (issue 12): tabs, cards, help results, the report's promise.
    "nav.cards": N_("Cards"),
    "nav.more": N_("More"),
    "app.dismiss": N_("Hide this"),
    "cards.search": N_("Search the cards"),
    "cards.no_match": N_("No card has those words."),
    "card.next": N_("Next card"),
    "card.share": N_("Share"),
    "card.link_copied": N_("Link copied. You can paste it into a message."),
    "card.pause_reading": N_("Pause"),
    "card.resume_reading": N_("Carry on"),
    "help.show_more": N_("Show more"),
    "help.directions": N_("Directions"),
    "report.busy_title": N_("Your report cannot be sent just now"),
    "report.busy_hint": N_(
        "We can send it for you later, by itself. Until then it is kept on this phone, and it "
        "is deleted as soon as it is sent. You can delete it at any time."
    ),
    "report.send_later": N_("Send it later for me"),
    "report.promise_title": N_("Who reads your report"),
    "report.promise_who": N_("{organisation} reads every report."),
    "report.promise_who_default": N_("A safeguarding team reads every report."),
    "report.promise_when": N_("A person reads it within {hours} hours."),
    "report.promise_next": N_(
        "They may ask you a question or pass it on to people who can help. Use your code to "
        "see what happened and to answer."
    ),
    "report.promise_police.danger": N_("They tell the police only if someone is in danger."),
    "report.promise_police.always": N_("They pass what you tell them on to the police."),
    "report.promise_police.never": N_("They do not tell the police. In an emergency, call 999."),
    "present.open_presenter": N_("Open presenter view"),
    "present.presenter_view": N_("Presenter view"),
    "present.timer": N_("Time"),
    "report.code_mistyped": N_("That code has a mistake in it. Check each number again."),
    "report.code_style": N_("Your follow-up code"),
    "report.code_style.words": N_("Three words and four numbers"),
    "report.code_style.digits": N_("Sixteen numbers"),
}


# -- Error messages by code (issue 12): what the API says in a language other than English,
# in plain words and without field names. The error shape stays {"error": {code, message}};
# server/errors.py picks the message for the requested language (?lang= or Accept-Language).
ERROR_MESSAGES: dict[str, str] = {
    "invalid_postcode": N_(
        "That does not look like a UK postcode. Try one like LU1 2BQ, or just the first part, "
        "like LU1."
    ),
    "postcode_not_found": N_(
        "We could not find that postcode. Check it, or use your location instead."
    ),
    "postcode_lookup_unavailable": N_(
        "We cannot look up postcodes right now. Please use your location instead."
    ),
    "postcode_search_not_set_up": UI_MESSAGES["finder.no_postcodes"],
    "service_not_found": N_("We could not find that service."),
    "card_not_found": N_("We could not find that card."),
    "code_not_found": UI_MESSAGES["report.code_not_found"],
    "code_mistyped": UI_MESSAGES["report.code_mistyped"],
    "too_many_requests": UI_MESSAGES["report.too_many_requests"],
    "not_found": N_("We could not find that."),
    "invalid_input": N_("Some of what you sent is not right. Please check it and try again."),
    "bad_request": N_("The request could not be understood."),
    "too_large": N_("That is too long to send. Please make it shorter."),
    "server_error": N_("Something went wrong on our side. Please try again later."),
    "unavailable": N_("The service is busy. Please try again soon."),
    "error": UI_MESSAGES["error.generic"],
}

# -- What to fix, by the input that was wrong (issue 12). A 422's message is one of these, in
# the asker's language, never a field name or a type; the error's `field` key names the input
# for programs. An input not listed here gets ERROR_MESSAGES["invalid_input"].
FIELD_MESSAGES: dict[str, str] = {
    "postcode": ERROR_MESSAGES["invalid_postcode"],
    "age": N_("Please give an age as a number of years, like 14."),
    "page": N_("We could not show that page of results. Please go back to the first page."),
    "lat": N_("We could not read your location. Please try again, or type a postcode."),
    "audience": N_("Please choose who the cards are for: a young person, a parent or a teacher."),
    "lang": N_("We do not have that language. Please choose another one."),
    "text": N_("Please write your message. If it is very long, make it shorter."),
}
FIELD_MESSAGES["lon"] = FIELD_MESSAGES["lat"]
FIELD_MESSAGES["language"] = FIELD_MESSAGES["lang"]

# Youth voice (issue 16): the pulse, unsafe places and "You said, we did".
from server.voice.messages import VOICE_MESSAGES  # noqa: E402

UI_MESSAGES.update(VOICE_MESSAGES)

"""Word lists written by the storycheck authors (MIT, like the rest of the code)."""

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves s t said says say saying told according also however yet still even
    would could may might must shall will can one ones its it's mr mrs ms per via amid among
    within without across toward towards upon whether though although since unless than""".split()
)

NEGATIONS = frozenset(
    "not no never none nobody nothing neither nor cannot n't without denied deny denies".split()
)

# Evaluative, speculative and loaded words: a sentence made of these and nothing
# checkable is an opinion, not a claim another outlet could carry or contradict.
SUBJECTIVE = frozenset(
    """alarming chilling catastrophic dangerous gamble stark shocking disastrous
    devastating outrageous scandalous shameful brilliant remarkable extraordinary
    reliable unreliable guardian crossroads looms looming isolationism abandon abandoning
    credibility skepticism skeptical praised criticism criticised criticized sharp deep
    unease whispering ripples eyebrows brunt clock ticks question questions perhaps
    arguably clearly obviously undoubtedly surely must should ought better worse best worst
    hopefully unfortunately sadly fortunately troubling worrying fear fears feared
    concern concerns concerned anxious hope hopes believe believes seems seem appears
    likely unlikely possibly potential potentially may might could would whether
    deserve deserves scandal scrambling shaken polished outrage disgrace reckless corrupt
    shameless incompetent failed failure heroic tragic betrayal""".split()
)

NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "half": 0.5,
}

SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9,
    "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}

CURRENCY_WORDS = {
    "dollar": "$", "dollars": "$", "usd": "$", "euro": "€", "euros": "€", "eur": "€",
    "pound": "£", "pounds": "£", "gbp": "£", "yen": "¥", "rouble": "₽", "roubles": "₽",
    "ruble": "₽", "rubles": "₽", "yuan": "¥",
}

# Words between a number and the thing it counts: "5 more soldiers".
UNIT_SKIP = frozenset(
    "more additional new other extra of the a an further fewer less than about around some".split()
)

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12,
    "dec": 12,
}

WEEKDAYS = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}

# Hedges: the writer does not vouch for what follows. Phrases, matched on word boundaries.
HEDGES = (
    "reportedly", "allegedly", "purportedly", "apparently", "unconfirmed", "unverified", "is said to",
    "are said to", "was said to", "were said to", "is believed to", "are believed to", "it is believed",
    "it is understood", "is thought to", "are thought to", "appears to", "appear to", "seems to", "seem to",
    "may have", "might have", "could have", "rumoured", "rumored", "according to some", "sources suggest",
    "suggest that", "suggests that", "is expected to", "are expected to", "possibly", "potentially",
    "if realized", "if implemented", "not merely theoretical",
)

# Loaded language: words that judge or dramatise rather than report.
LOADED = (
    "chilling", "catastrophic", "whispering", "whisper", "scandal", "death trap", "crumbling", "shocking",
    "stunning", "disastrous", "devastating", "outrageous", "slammed", "blasted", "bombshell", "explosive",
    "desperate", "scrambling", "alarming", "drastic", "stark", "brutal", "chaos", "betrayal", "abandon",
    "abandoning", "reckless", "cover-up", "hid", "regime", "puppet", "propaganda", "ripples", "raised eyebrows",
    "corridors of power", "behind closed doors", "dangerous gamble", "full brunt", "scrambling for",
    "isolationism", "guardian", "disgrace", "shameful", "heroic", "crisis", "furious", "fury", "slams",
    "crackdown", "looms", "rare access",
)

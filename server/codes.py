"""Follow-up codes, stored only as a keyed hash: three easy words and four digits (English),
or sixteen digits in groups of four whose last digit checks the rest (any other language)."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import unicodedata

# 1,024 short, concrete, everyday words a 12-year-old can read, write down and say aloud.
# Chosen to avoid weapons, violence, spellings that differ between British and American
# English, and the commonest homophones. No word is the start of another (a prefix code), so
# a code typed with no separators at all still splits into exactly one set of words; the
# tests check both properties.
WORDS: tuple[str, ...] = tuple(
    """
    able acorn acre actor adult agile airy alarm album alert alien alley alpaca amazing amber
    anchor ancient angle ankle antler apple apricot apron apt arcade arch arctic arena atlas
    attic aunt autumn avocado awake award axle baby badger bagel bagpipe bakery ballet balloon
    bamboo banana bandana banjo bank banner barley barn barrel basalt basic basil basin basket
    bath battery beacon beak beam beanbag beard beaver bed beetle bellow belt bench bendy best
    big bike bingo bird biscuit bison blanket blazer blender blimp block blossom boat bobcat
    bold bolt bone bonfire bongo bonus boot bottle boulder bouncy bowl box brainy bramble branch
    brave bread breeze breezy brick bridge bright brisk broad broom brother brownie brush bubble
    bucket buckle buddy buffalo bugle bulb bumper bumpy bunny burrito burrow bush busy butter
    button buzzard cabbage cabin cable cactus caddy cake calcium calf calm camel camera camper
    canal canary candle candy canoe canvas canyon cape caramel card careful cargo carpet carrot
    cart cashew castle catfish cavern cedar cello chain chair chalk champ chapel chariot chart
    cheeky cheese cheetah chef cherry chess chick chief chilly chimney chin choir chorus chutney
    cider cinema circle circus citrus city civil clam clay clean clever cliff cloak clock cloudy
    clover clown coach coast coat cobble cobra cockle cocoa coconut codfish coffee coin collie
    comb comet comic compass condor cone cookie copper coral corgi cornet cottage cotton couch
    cougar cousin coyote crab crafty crane crater crayon cream cricket crisp crocus crown
    crumpet crunchy crystal cube cuddly cupcake curly curtain cushion custard cute dahlia daisy
    dancer dapple daring deep denim desert desk dewdrop diamond diary dice dinghy dingo dinner
    disco dog doll dolphin domino donkey doodle dove dragon drawer dream dress drizzle drum duck
    duffel dugout dune dusty duvet eager eagle early earmuff earth easel easy echo eclipse eel
    elbow elder elegant elf elk elm ember emblem emerald empty emu engine epic eraser exact
    extra fable fairy falcon famous fancy farm fast fawn feather fence fennel fern ferret ferry
    fiddle field fierce fiesta fig filbert finch fine finger firefly firm fish fizzy flag flame
    flannel flask flat fleet flipper fluffy flurry flute foam fog folder fondue forest forge
    fork fossil fox frame freckle freezer fresh fridge frisbee frog frosty fruit fudge funny
    fuzzy gadget galaxy gallop gannet garden garlic garnet gate gazebo gazelle gecko gem genie
    gentle gerbil geyser gherkin giant ginger gingham giraffe glacier glad glass glider glitter
    globe glossy glove goat golden gondola good goose gopher gorilla grand granite grape grass
    gravel gravy great green griffin grizzly guava guitar gull gumboot gumdrop haddock halibut
    hammer hammock hamster handy happy hardy harp harvest hasty hat hawk hearty heather heavy
    helmet helpful hen heron hiccup hickory hidden hill hippo hobby honest honey hoodie hook
    hornet hotel house huge humble hungry husky iceberg icicle icy ideal igloo iguana impala
    inkwell inlet island ivy jackal jackdaw jacket jaguar jam jar jasmine jeans jelly jetty
    jewel jigsaw jockey jogger jolly journal juice juicy jukebox jungle juniper kayak keen
    kernel kestrel ketchup kettle key kid kimono kind kingdom kiosk kipper kitchen kite kitten
    kiwi koala koi ladder ladle lagoon lake lamb lamp lantern laptop lapwing larch large lava
    lawn leaf lemur leopard letter lettuce library light lilac lily lime limpet linen lion
    little lively lizard llama lobby lobster local locket locust lodge loft log loud lovely
    loyal lucky lumpy lunch lupin lynx magic magnet magpie major mallet mammoth manatee mandolin
    mango mantis maple marble marigold marina market marmot marsh mascot mask meadow meerkat
    mellow melody melon meringue mermaid merry meteor mighty mild milk mimosa minnow mint mirror
    misty mitten mocha modern molar mole monarch mongoose monkey monsoon moon moose moped mosaic
    moth motor mountain mouse muddy muesli muffin mug mulberry museum music mustang mustard
    nacho nail napkin narrow narwhal neat nebula nectar nest nettle newt nice nickel nimble
    noble noisy nomad noodle notebook nugget nutmeg nutshell oak oar oasis oatcake oatmeal ocean
    octopus olive onion opal open orange orbit orca orchard orchid origami osprey ostrich otter
    owl oyster paddle paddock page pagoda paint palace palm pancake panda panther papaya paper
    paprika parade parcel parrot parsley parsnip party pasta patient patio pavilion peaceful
    peach peacock peanut peapod pebble pecan pelican pencil pendant penguin pepper perch perfect
    petal pewter pheasant piano pickle picnic pie pigeon piglet pillow pilot pinafore pinecone
    pizza plain planet plankton platypus plaza plover plucky plum pocket poem polite pompom
    poncho pond pony popcorn poppy porridge possum postbox potato prawn pretzel primrose prism
    proud pudding puffin pulley pumpkin puppet puppy purple puzzle python quail quarry quartz
    queen quick quiet quilt quiver rabbit raccoon radio radish raft rainbow raisin rambler
    rapids rare rattle raven ready real record redwood reef reindeer rhino rhubarb ribbon rice
    rich riddle ringlet river robin robot rocket rockpool roof rooster rosemary rosy round royal
    ruby rucksack rug ruler rusty saddle safe saffron salad salmon salty sandal sandbox sandy
    sapling sapphire sardine satchel saucer scallop scarf school scone scooter seagull seal seed
    seesaw sequin shark sheep shell sherbet sherpa shiny ship shoe short shovel shrimp shy silly
    silo silver simple singer skate skunk skylark sled sleepy slide slim slipper sloth slow
    small smart smoothie snail snake snappy snorkel snowman snowy soap sock sofa soft solid
    sorbet soup spaniel sparrow speedy spicy spider spinach spinner sponge spoon spotty sprout
    squid squirrel stamp starling statue steady steeple sticky stoat stone stork stormy straw
    stream street strong sturdy sugar summer sunny super surfer swallow swan sweater sweet swift
    swing tabby table tadpole tall tandem tapir tartan teapot tent thimble thistle thrush
    thunder tidy tiger timber tinsel tiny toast toffee tomato tooth topaz torch tortoise toucan
    tough tower toy tractor train treetop trellis tricky tricycle trinket trolley trout truck
    true truffle trumpet tuba tugboat tulip tundra tunnel turban turkey turnip turtle tuxedo
    tweed twig twister ukulele umbrella unicorn urchin useful valley vanilla vase vast velvet
    verbena viola violin vivid volcano voyage vulture waffle wagon wallaby walnut walrus wand
    warbler warm wasp water wave wavy weasel weevil wetsuit whale wharf wheel whisk whistle
    wigwam wild willow windmill window windy wing winter wise witty wizard wobbly wolf wombat
    worm wren yacht yak yellow yeti yodel young yoyo zany zebra zesty zigzag zoo
    """.split()  # noqa: SIM905 - a word list reads best as words
)
WORD_COUNT = 3
DIGITS = 4
SEPARATOR = "-"
ENTROPY_BITS = WORD_COUNT * math.log2(len(WORDS)) + DIGITS * math.log2(10)
MAX_CODE_LENGTH = WORD_COUNT * max(map(len, WORDS)) + DIGITS + WORD_COUNT


def new_code() -> str:
    """A fresh code such as "river-pencil-orbit-4821" (about 43 bits, all from `secrets`)."""
    words = [secrets.choice(WORDS) for _ in range(WORD_COUNT)]
    number = f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"
    return SEPARATOR.join([*words, number])


# Digit codes: easy to copy down in any script, for parents and young people who do not read
# English words easily. 15 random digits (about 50 bits) and a Damm check digit, which
# catches every single mistyped digit and every swap of two neighbours before any lookup.
DIGIT_CODE_LENGTH = 16
DIGIT_GROUP = 4
DIGIT_ENTROPY_BITS = (DIGIT_CODE_LENGTH - 1) * math.log2(10)
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm(digits: str) -> int:
    """The Damm check digit of a string of ASCII digits (0 when a checked code is right)."""
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return interim


def new_digit_code() -> str:
    """A fresh code such as "4821-0937-5512-8846": 15 digits from `secrets`, then a check digit."""
    body = "".join(str(secrets.randbelow(10)) for _ in range(DIGIT_CODE_LENGTH - 1))
    digits = body + str(damm(body))
    groups = [digits[i : i + DIGIT_GROUP] for i in range(0, DIGIT_CODE_LENGTH, DIGIT_GROUP)]
    return SEPARATOR.join(groups)


def new_code_for(lang: str, style: str | None = None) -> str:
    """Digits for every language but English; English reporters may choose ("words" default)."""
    if lang == "en" and style != "digits":
        return new_code()
    return new_digit_code()


def mistyped(code: str) -> bool:
    """A code of digits only that cannot be right: wrong length or failing its check digit.

    Word codes, short numbers and anything else are left to the lookup ("not found").
    """
    plain = normalise(code)
    # Only something that looks like a digit code (a few digits more or less) is judged here.
    if not plain.isdigit() or abs(len(plain) - DIGIT_CODE_LENGTH) > DIGIT_GROUP:
        return False
    return len(plain) != DIGIT_CODE_LENGTH or damm(plain) != 0


def normalise(code: str) -> str:
    """The code as letters and ASCII digits only: any case, any separators, any digit script.

    "River Pencil.ORBIT 4821", "river_pencil_orbit_4821" and "riverpencilorbit٤٨٢١"
    (Arabic-Indic digits, as an Arabic or Urdu keyboard types them) all become
    "riverpencilorbit4821".
    """
    out = []
    for char in unicodedata.normalize("NFKC", code).casefold():
        if "a" <= char <= "z":
            out.append(char)
        elif char.isdecimal():
            out.append(str(unicodedata.decimal(char)))
    return "".join(out)


def code_hash(secret: bytes, code: str) -> bytes:
    """HMAC-SHA-256 of the normalised code: what the database keeps instead of the code."""
    return hmac.new(secret, b"follow-up-code:" + normalise(code).encode(), hashlib.sha256).digest()

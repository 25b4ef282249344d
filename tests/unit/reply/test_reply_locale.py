from cepf_bot.reply.locale import reply_locale
from cepf_bot.types import Lang, Locale, Script


def test_the_question_decides_before_the_telegram_setting():
    assert reply_locale("綠發會的理事長是誰", "en") == Locale(Lang.ZH, Script.TAIWAN)
    assert reply_locale("绿发会的理事长是谁", "zh-hk") == Locale(Lang.ZH, Script.SIMPLIFIED)
    assert reply_locale("Who is the secretary general?", "zh-hans") == Locale(Lang.EN,
                                                                              Script.SIMPLIFIED)


def test_a_hong_kong_or_taiwan_user_who_writes_no_chinese_gets_their_script():
    assert reply_locale("", "zh-HK") == Locale(Lang.ZH, Script.HONG_KONG)
    assert reply_locale("IUCN?", "zh-tw") == Locale(Lang.EN, Script.TAIWAN)
    assert reply_locale("", None) == Locale(Lang.EN, Script.SIMPLIFIED)

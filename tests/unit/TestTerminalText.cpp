// The terminal neutraliser: every character a terminal or a text layout would act on becomes a
// visible escape; everything else passes unchanged. Expectations are written out by hand from
// ECMA-48 (C0, C1), Unicode UAX #9 (bidi controls) and RFC 3629 (well-formed UTF-8).

#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "run/TerminalText.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

namespace {

/// What a hostile server puts everywhere it can: a window title (OSC), clear screen (CSI), BEL,
/// backspaces, a bare CR, NUL, an 8-bit CSI (C1), DEL, a bidi override and isolate, a line
/// break that would start a forged report line, and a line separator.
QString hostile()
{
    return QStringLiteral("evil\x1b]0;pwned\x07\x1b[2J\b\rNUL") + QChar(0) + QChar(0x9b)
           + QStringLiteral("31m\x7f") + QChar(0x202e) + QChar(0x2066)
           + QStringLiteral("\n  CRITICAL forged line") + QChar(0x2028) + QStringLiteral("\tend");
}

/// A run with `text` in every string a server, a certificate or a name lookup can influence.
Run runFilledWith(const QString& text)
{
    Run run;
    run.target = {text, 25, Protocol::Smtp, TlsMode::StartTls, TlsPolicy::Enforce, {text}, text};
    run.startedAt = QDateTime(QDate(2026, 11, 29), QTime(8, 0), Qt::UTC);
    for (StepId id : {StepId::Banner, StepId::Greeting, StepId::StartTls})
        run.steps.append({id, StepStatus::Warning, 1, 2, text});
    for (char dir : {'C', 'S', 'I'})
        run.transcript.append({3, dir, false, StepId::Banner, 0, text, false});
    run.transcript.append({4, 'S', false, StepId::StartTls, 2, text, true});
    run.capabilitiesPlain = {text, text};
    run.capabilitiesTls = {text};
    TlsFacts facts;
    facts.protocol = facts.cipher = facts.keyExchange = facts.ephemeralKey = text;
    facts.errors = {text};
    facts.ocspStatus = text;
    run.tls = facts;
    CertificateInfo cert;
    cert.subject = cert.issuer = cert.commonName = cert.matchedName = text;
    cert.sanDns = cert.sanIp = cert.errors = {text};
    cert.serial = cert.sha256 = cert.sha1 = cert.keyAlgorithm = cert.signatureAlgorithm = cert.pem = text;
    run.certificates = {cert};
    run.tlsVersions = {{text, text}, {QStringLiteral("TLSv1.2"), QStringLiteral("accepted")}};
    run.ciphers = {{text, {text}}};
    TlsAuditInfo audit;
    audit.versionDetails = {{text, text}, {QStringLiteral("TLSv1.2"), text}};
    audit.cipherOrder = {{text, text}};
    audit.weakCiphers = {{text, {text + QStringLiteral(" (") + text + QLatin1Char(')')}}};
    audit.commandInjection = audit.commandInjectionDetail = audit.ocsp = text;
    audit.probeCount = 1;
    run.tlsAudit = audit;
    Finding f;
    f.id = f.title = f.explanation = f.reference = f.detail = text;
    f.severity = Severity::Warning;
    run.findings = {f};
    run.message = MessageInfo {text, text};
    return run;
}

/// The first character a terminal would act on, as "U+XXXX at N"; empty when there is none.
/// Our own SGR colour sequences (ESC [ digits ; m) are allowed when `colors`.
QString firstControl(const QString& report, bool colors)
{
    QString text = report;
    if (colors)
        text.remove(QRegularExpression(QStringLiteral("\x1b\\[[0-9;]*m")));
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        const bool control = (c < 0x20 && c != u'\n') || (c >= 0x7f && c <= 0x9f)
                             || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028
                             || c == 0x2029;
        if (control)
            return QStringLiteral("U+%1 at %2: ...%3")
                .arg(uint(c), 4, 16, QLatin1Char('0'))
                .arg(i)
                .arg(text.mid(std::max<qsizetype>(0, i - 40), 80));
    }
    return {};
}

} // namespace

class TestTerminalText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void escapesText_data();
    void escapesText();
    void escapesBytes_data();
    void escapesBytes();
    void textReportNeutralisesEveryServerString_data();
    void textReportNeutralisesEveryServerString();
    void jsonReportStaysExact();
};

void TestTerminalText::escapesText_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    const auto u = [](std::initializer_list<char16_t> units) {
        QString s;
        for (char16_t c : units)
            s += QChar(c);
        return s;
    };
    QTest::newRow("plain ascii") << QStringLiteral("250 mx.example.org ESMTP")
                                 << QStringLiteral("250 mx.example.org ESMTP");
    QTest::newRow("umlaut and emoji stay") << QStringLiteral("Grüße 😀") << QStringLiteral("Grüße 😀");
    QTest::newRow("OSC window title")
        << QStringLiteral("220 \x1b]0;pwned\x07 ok") << QStringLiteral("220 \\x1b]0;pwned\\x07 ok");
    QTest::newRow("clear screen") << QStringLiteral("\x1b[2J\x1b[H") << QStringLiteral("\\x1b[2J\\x1b[H");
    QTest::newRow("backspace overwrite")
        << QStringLiteral("bad\b\b\bok!") << QStringLiteral("bad\\x08\\x08\\x08ok!");
    QTest::newRow("bare CR") << QStringLiteral("evil\rgood") << QStringLiteral("evil\\rgood");
    QTest::newRow("LF starts no line") << QStringLiteral("a\nCRITICAL") << QStringLiteral("a\\nCRITICAL");
    QTest::newRow("tab") << QStringLiteral("a\tb") << QStringLiteral("a\\tb");
    QTest::newRow("NUL") << QString(QStringLiteral("a") + QChar(0) + QStringLiteral("b"))
                         << QStringLiteral("a\\x00b");
    QTest::newRow("DEL") << QStringLiteral("a\x7f") << QStringLiteral("a\\x7f");
    QTest::newRow("C1 CSI and NEL") << u({u'a', 0x9b, u'2', u'J', 0x85, 0x80, 0x9f})
                                    << QStringLiteral("a\\u009b2J\\u0085\\u0080\\u009f");
    QTest::newRow("first non-C1 stays") << u({0xa0, 0xe9}) << u({0xa0, 0xe9});
    QTest::newRow("RLO override") << u({u'a', 0x202e, u'b', 0x202c}) << QStringLiteral("a\\u202eb\\u202c");
    QTest::newRow("bidi range edges")
        << u({0x2029, 0x202a, 0x2066, 0x2069, 0x206a, 0x2065})
        << (QStringLiteral("\\u2029\\u202a\\u2066\\u2069") + u({0x206a, 0x2065}));
    QTest::newRow("bidi marks") << u({0x200e, 0x200f, 0x061c, 0x200d})
                                << (QStringLiteral("\\u200e\\u200f\\u061c") + u({0x200d}));
    QTest::newRow("line separator") << u({u'a', 0x2028, u'b'}) << QStringLiteral("a\\u2028b");
    QTest::newRow("lone surrogates") << u({0xd800, u'x', 0xdc00}) << QStringLiteral("\\ud800x\\udc00");
    QTest::newRow("empty") << QString() << QString();
}

void TestTerminalText::escapesText()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(TerminalText::escaped(input), expected);
    QCOMPARE(TerminalText::needsEscaping(input), input != expected);
}

void TestTerminalText::escapesBytes_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("ascii") << QByteArray("220 ok") << QStringLiteral("220 ok");
    QTest::newRow("valid 2,3,4 byte")
        << QByteArray("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") << QString::fromUtf8("é€😀");
    QTest::newRow("ESC and CR") << QByteArray("a\x1b[31m\rb") << QStringLiteral("a\\x1b[31m\\rb");
    QTest::newRow("C1 encoded in UTF-8") << QByteArray("\xc2\x9b") << QStringLiteral("\\u009b");
    QTest::newRow("raw C1 byte is invalid UTF-8") << QByteArray("a\x9b"
                                                                "b")
                                                  << QStringLiteral("a\\x9bb");
    QTest::newRow("RLO encoded") << QByteArray("\xe2\x80\xae") << QStringLiteral("\\u202e");
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << QStringLiteral("\\xc0\\xaf");
    QTest::newRow("overlong 3-byte") << QByteArray("\xe0\x80\xaf") << QStringLiteral("\\xe0\\x80\\xaf");
    QTest::newRow("encoded surrogate") << QByteArray("\xed\xa0\x80") << QStringLiteral("\\xed\\xa0\\x80");
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80")
                                    << QStringLiteral("\\xf4\\x90\\x80\\x80");
    QTest::newRow("truncated at end") << QByteArray("ok\xe2\x82") << QStringLiteral("ok\\xe2\\x82");
    QTest::newRow("0xff") << QByteArray("\xff\xfe") << QStringLiteral("\\xff\\xfe");
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << QStringLiteral("a\\x00b");
}

void TestTerminalText::escapesBytes()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, expected);
    QCOMPARE(TerminalText::escapedBytes(input), expected);
}

void TestTerminalText::textReportNeutralisesEveryServerString_data()
{
    QTest::addColumn<bool>("colors");
    QTest::newRow("plain") << false;
    QTest::newRow("colours") << true;
}

void TestTerminalText::textReportNeutralisesEveryServerString()
{
    QFETCH(bool, colors);
    ReportText::Options options;
    options.color = colors;
    const QString report = ReportText::render(runFilledWith(hostile()), options);
    const QString problem = firstControl(report, colors);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // Visible instead, and nothing else changes: the report equals the one of a run that holds
    // the escaped text, written out by hand, so no line was added, removed or rearranged.
    const QString visible = QStringLiteral(
        "evil\\x1b]0;pwned\\x07\\x1b[2J\\x08\\rNUL\\x00\\u009b31m\\x7f\\u202e\\u2066\\n  CRITICAL forged "
        "line\\u2028\\tend");
    const QString expected = ReportText::render(runFilledWith(visible), options);
    QCOMPARE(report, expected);
    QVERIFY(report.contains(visible));
}

void TestTerminalText::jsonReportStaysExact()
{
    const QString text = hostile();
    const QJsonObject o = QJsonDocument::fromJson(ReportJson::toJson(runFilledWith(text))).object();
    QCOMPARE(o.value(QLatin1String("target")).toObject().value(QLatin1String("host")).toString(), text);
    QCOMPARE(
        o.value(QLatin1String("steps")).toArray().at(0).toObject().value(QLatin1String("summary")).toString(),
        text);
    QCOMPARE(o.value(QLatin1String("transcript"))
                 .toArray()
                 .at(1)
                 .toObject()
                 .value(QLatin1String("text"))
                 .toString(),
             text);
    QCOMPARE(o.value(QLatin1String("capabilities"))
                 .toObject()
                 .value(QLatin1String("plaintext"))
                 .toArray()
                 .at(0)
                 .toString(),
             text);
    QCOMPARE(o.value(QLatin1String("certificates"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("subject"))
                 .toString(),
             text);
    QCOMPARE(o.value(QLatin1String("findings"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(QLatin1String("detail"))
                 .toString(),
             text);
}

QTEST_GUILESS_MAIN(TestTerminalText)
#include "TestTerminalText.moc"

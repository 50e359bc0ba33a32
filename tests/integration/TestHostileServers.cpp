// Hostile servers against the real engine (FakeMailServer on 127.0.0.1, real SslLineTransport):
// control bytes and bidi overrides in everything a server says must reach no terminal raw;
// floods and long replies must leave a bounded run and report, with what was cut marked.
// Expected texts and counts are written out here from the scripts, not computed by the engine.

#include "FakeMailServer.h"
#include "findings/FindingCatalogue.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPki.h"
#include "TestPrinters.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)

namespace {

constexpr int RunTimeoutMs = 20000;

/// The first character a terminal would act on, with some context; empty when there is none.
QString firstControl(const QString& text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text.at(i).unicode();
        if ((c < 0x20 && c != u'\n') || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e)
            || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029)
            return QStringLiteral("U+%1 in ...%2")
                .arg(uint(c), 4, 16, QLatin1Char('0'))
                .arg(text.mid(i - 30, 60));
    }
    return {};
}

QList<const TranscriptEntry*> entries(const Run& run, char dir, bool discarded = false)
{
    QList<const TranscriptEntry*> out;
    for (const TranscriptEntry& e : run.transcript) {
        if (e.dir == dir && e.discarded == discarded)
            out.append(&e);
    }
    return out;
}

} // namespace

class TestHostileServers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void controlBytesNeverReachTheTerminal_data();
    void controlBytesNeverReachTheTerminal();
    void replyLineBound_data();
    void replyLineBound();
    void hugeBannerStaysSmall();
    void discardedFloodIsOneEntry();

private:
    /// Runs `script` against a session and returns the run (the test fails on a hang).
    Run run(const QString& script, Protocol protocol, TlsMode tls, FakeMailServer* server = nullptr);
};

void TestHostileServers::initTestCase()
{
    QVERIFY(QSslSocket::supportsSsl());
    QVERIFY(TestPki::instance().isValid());
}

Run TestHostileServers::run(const QString& script, Protocol protocol, TlsMode tls, FakeMailServer* external)
{
    FakeMailServer local;
    FakeMailServer& server = external ? *external : local;
    const TestPki::Identity id = TestPki::instance().identity(TestPki::Kind::Good);
    server.setLocalCertificateChain(id.chain);
    server.setPrivateKey(id.key);
    [&] {
        QVERIFY2(server.loadScript(script), qPrintable(server.errorSummary()));
        QVERIFY(server.listen());
    }();
    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = server.port();
    o.protocol = protocol;
    o.tls = tls;
    o.policy = TlsPolicy::Opportunistic;
    o.extraCaCertificates = TestPki::instance().caCertificates();
    o.stepTimeoutMs = RunTimeoutMs;
    ProbeSession session(o);
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    [&] { QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs); }();
    [&] { QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), 5000); }();
    return session.run();
}

void TestHostileServers::controlBytesNeverReachTheTerminal_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("findings");
    QTest::addColumn<QStringList>("visible"); // escapes the text report must show

    // OSC window title + BEL, clear screen, erase line after a bare CR, backspaces, NUL, C1 CSI
    // (as UTF-8), a right-to-left override: in the banner, a capability and an IMAP [ALERT].
    QTest::newRow("smtp") << Protocol::Smtp
                          << QStringLiteral("E: 220 mx\\x1b]0;pwned\\x07 ready\\r\\x1b[2KOK\\u202eexe.txt\n"
                                            "C~ ^EHLO \n"
                                            "E: 250-mx \\x1b[2Jhello\n"
                                            "E: 250 AUTH\\x08\\x08\\x08\\x00\\u009b31m PLAIN\n"
                                            "C: QUIT\n"
                                            "S: 221 bye\n"
                                            "X\n")
                          << QStringList {}
                          << QStringList {
                                 QStringLiteral("220 mx\\x1b]0;pwned\\x07 ready\\r\\x1b[2KOK\\u202eexe.txt"),
                                 QStringLiteral("250-mx \\x1b[2Jhello"),
                                 QStringLiteral("AUTH\\x08\\x08\\x08\\x00\\u009b31m PLAIN")};
    QTest::newRow("imap") << Protocol::Imap
                          << QStringLiteral("E: * OK [ALERT] maint\\x1b]0;pwned\\x07\\u202e ready\n"
                                            "C: A1 CAPABILITY\n"
                                            "E: * CAPABILITY IMAP4rev1 X\\x1b[2J\n"
                                            "S: A1 OK done\n"
                                            "C: A2 LOGOUT\n"
                                            "S: * BYE\n"
                                            "S: A2 OK bye\n"
                                            "X\n")
                          << QStringList {QStringLiteral("imap-plaintext-alert"),
                                          QStringLiteral("plaintext-auth-offered")}
                          << QStringList {QStringLiteral("[ALERT] maint\\x1b]0;pwned\\x07\\u202e ready"),
                                          QStringLiteral("X\\x1b[2J")};
    QTest::newRow("pop3") << Protocol::Pop3
                          << QStringLiteral("E: +OK pop\\x1b]0;pwned\\x07\\u202e ready\n"
                                            "C: CAPA\n"
                                            "S: +OK\n"
                                            "E: USER\\x1b[2J\n"
                                            "S: .\n"
                                            "C: QUIT\n"
                                            "S: +OK bye\n"
                                            "X\n")
                          << QStringList {}
                          << QStringList {QStringLiteral("+OK pop\\x1b]0;pwned\\x07\\u202e ready"),
                                          QStringLiteral("USER\\x1b[2J")};
}

void TestHostileServers::controlBytesNeverReachTheTerminal()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, script);
    QFETCH(QStringList, findings);
    QFETCH(QStringList, visible);

    const Run r = run(script, protocol, TlsMode::None);
    QCOMPARE(sortedFindingIds(r), findings);
    for (bool colors : {false, true}) {
        ReportText::Options options;
        options.color = colors;
        QString report = ReportText::render(r, options);
        if (colors)
            report.remove(QRegularExpression(QStringLiteral("\\x1b\\[[0-9;]*m")));
        const QString problem = firstControl(report);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        for (const QString& v : visible)
            QVERIFY2(report.contains(v), qPrintable(v));
    }
    // JSON keeps the server's first line exactly, control bytes and all.
    const QJsonArray transcript =
        QJsonDocument::fromJson(ReportJson::toJson(r)).object().value(QLatin1String("transcript")).toArray();
    const QString firstServerLine = entries(r, 'S').constFirst()->text;
    QVERIFY(firstServerLine.contains(QChar(0x1b)));
    QVERIFY(firstServerLine.contains(QChar(0x202e)));
    bool found = false;
    for (const QJsonValue& v : transcript)
        found = found || v.toObject().value(QLatin1String("text")).toString() == firstServerLine;
    QVERIFY(found);
}

void TestHostileServers::replyLineBound_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("replyLines");

    // The capability reply with 512 lines (the bound) and 513. Every line "L" + 4 digits is
    // 5 bytes (SMTP "250-" and IMAP "* " prefixes count too).
    for (int lines : {512, 513}) {
        const QByteArray n = QByteArray::number(lines);
        QTest::newRow(("smtp " + n).constData())
            << Protocol::Smtp
            << QStringLiteral("S: 220 mx\nC~ ^EHLO \nS: 250-mx\nN: %1 250-L0000\nS: 250 END\n"
                              "C: QUIT\nS: 221 bye\nX\n")
                   .arg(lines - 2)
            << lines;
        QTest::newRow(("imap " + n).constData())
            << Protocol::Imap
            << QStringLiteral("S: * OK hi\nC: A1 CAPABILITY\nS: * CAPABILITY IMAP4rev1\n"
                              "N: %1 * L0000\nS: A1 OK done\nC: A2 LOGOUT\nS: A2 OK bye\nX\n")
                   .arg(lines - 2)
            << lines;
        QTest::newRow(("pop3 " + n).constData())
            << Protocol::Pop3
            << QStringLiteral("S: +OK hi\nC: CAPA\nS: +OK\nN: %1 L0000\nS: .\n"
                              "C: QUIT\nS: +OK bye\nX\n")
                   .arg(lines - 2)
            << lines;
    }
}

void TestHostileServers::replyLineBound()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, script);
    QFETCH(int, replyLines);

    FakeMailServer server;
    const Run r = run(script, protocol, TlsMode::None, &server);
    const StepRecord* greeting = r.step(StepId::Greeting);
    QVERIFY(greeting);
    if (replyLines <= 512) {
        // IMAP4rev1 without LOGINDISABLED offers LOGIN in plaintext (RFC 9051 s.6.2.3); the SMTP
        // and POP3 replies offer no login at all.
        QCOMPARE(sortedFindingIds(r), protocol == Protocol::Imap
                                          ? QStringList {QStringLiteral("plaintext-auth-offered")}
                                          : QStringList());
        QCOMPARE(greeting->status, StepStatus::Ok);
        QVERIFY(server.errors().isEmpty());
    } else {
        // Past the bound: the step ends with the diagnosis; nothing more is sent.
        QCOMPARE(sortedFindingIds(r), (QStringList {QStringLiteral("reply-too-long")}));
        QCOMPARE(greeting->status, StepStatus::Failed);
        QVERIFY2(greeting->summary.contains(QLatin1String("more than 512 lines")),
                 qPrintable(greeting->summary));
        QCOMPARE(r.step(StepId::Quit)->status, StepStatus::Skipped);
    }
    // The transcript keeps 64 lines of the reply and counts the rest in one note.
    const int read = std::min(replyLines, 513);
    const int kept = 64;
    int greetingServerLines = 0;
    const TranscriptEntry* note = nullptr;
    const int greetingIndex = int(greeting - r.steps.constData());
    for (const TranscriptEntry& e : r.transcript) {
        if (e.stepIndex != greetingIndex)
            continue;
        if (e.dir == 'S')
            ++greetingServerLines;
        if (e.dir == 'I' && e.lines > 0)
            note = &e;
    }
    QCOMPARE(greetingServerLines, kept);
    QVERIFY(note);
    QCOMPARE(note->lines, read - kept);
    // Every omitted line is a 5-byte "L0000" with its prefix, except the reply's last line when read.
    const int prefix = protocol == Protocol::Smtp ? 4 : protocol == Protocol::Imap ? 2 : 0;
    const qint64 lastLine = protocol == Protocol::Smtp ? 7 : protocol == Protocol::Imap ? 10 : 1;
    const qint64 expectedBytes = qint64(read - kept - 1) * (prefix + 5) + lastLine;
    QCOMPARE(note->bytes, expectedBytes);
    QCOMPARE(r.truncation.transcriptLinesOmitted, read - kept);
}

void TestHostileServers::hugeBannerStaysSmall()
{
    // The example: a banner of 511 lines of 65,000 bytes (33 MB). The reply-size bound
    // (256 KiB) ends it after the fifth line (5 x 65,004 bytes > 262,144).
    const QString line = QStringLiteral("220-") + QString(65000, QLatin1Char('B'));
    const QString script = QStringLiteral("N: 510 %1\nS: 220 end\nX\n").arg(line);
    FakeMailServer server;
    const Run r = run(script, Protocol::Smtp, TlsMode::StartTls, &server);
    QCOMPARE(sortedFindingIds(r), (QStringList {QStringLiteral("reply-too-long")}));
    QCOMPARE(r.step(StepId::Banner)->status, StepStatus::Failed);
    QVERIFY2(r.step(StepId::Banner)->summary.contains(QLatin1String("more than 262144 bytes")),
             qPrintable(r.step(StepId::Banner)->summary));
    QCOMPARE(entries(r, 'S').size(), 5);
    for (const TranscriptEntry* e : entries(r, 'S')) {
        QVERIFY(e->truncated);
        QCOMPARE(e->text.size(), 2000 + QStringLiteral("… [63,004 more characters]").size());
    }
    const QByteArray json = ReportJson::toJson(r);
    const QString text = ReportText::render(r);
    QVERIFY2(json.size() < 64 * 1024, QByteArray::number(json.size()).constData());
    QVERIFY2(text.size() < 64 * 1024, QByteArray::number(text.size()).constData());
    QCOMPARE(QJsonDocument::fromJson(json)
                 .object()
                 .value(QLatin1String("truncated"))
                 .toObject()
                 .value(QLatin1String("texts_clipped"))
                 .toInt(),
             5);
}

void TestHostileServers::discardedFloodIsOneEntry()
{
    // 1,000 lines after the go-ahead, in the same write: one discarded entry with exact counts.
    // (A flood larger than what one read takes in reaches the TLS layer after the handshake has
    // started and fails it, "wrong version number": a correct outcome, but a timing-dependent one.)
    FakeMailServer server;
    const QString script = QStringLiteral("S: 220 mx\nC~ ^EHLO \nS: 250-mx\nS: 250 STARTTLS\nC: STARTTLS\n"
                                          "S: 220 go ahead\nN: 1000 250-FLOOD\nT\nC~ ^EHLO \nS: 250-mx\n"
                                          "S: 250 PIPELINING\nC: QUIT\nS: 221 bye\nX\n");
    const Run r = run(script, Protocol::Smtp, TlsMode::StartTls, &server);
    QVERIFY2(
        server.errors().isEmpty(),
        qPrintable(server.errorSummary() + QLatin1Char(' ') + stepsOf(r) + QLatin1Char(' ')
                   + sortedFindingIds(r).join(QLatin1Char(',')) + QLatin1Char(' ')
                   + (r.step(StepId::TlsHandshake) ? r.step(StepId::TlsHandshake)->summary : QString())));
    QCOMPARE(stepsOf(r), QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=warning "
                                        "tls-handshake=ok greeting-tls=ok quit=ok"));
    QCOMPARE(sortedFindingIds(r), (QStringList {QStringLiteral("starttls-response-injection")}));
    const QList<const TranscriptEntry*> discarded = entries(r, 'S', true);
    QCOMPARE(discarded.size(), 1);
    QCOMPARE(discarded.constFirst()->bytes, qint64(1000 * 11)); // "250-FLOOD\r\n"
    QCOMPARE(discarded.constFirst()->lines, 1000);
    QVERIFY(discarded.constFirst()->truncated);
    QCOMPARE(discarded.constFirst()->text,
             QStringLiteral("250-FLOOD\r\n").repeated(181) + QStringLiteral("250-FLOOD"));
    QCOMPARE(discarded.constFirst()->step, StepId::StartTls);
    QVERIFY(r.transcript.size() < 40);
    const QJsonObject entry = [&] {
        for (const QJsonValue& v : QJsonDocument::fromJson(ReportJson::toJson(r))
                                       .object()
                                       .value(QLatin1String("transcript"))
                                       .toArray()) {
            if (v.toObject().value(QLatin1String("discarded")).toBool())
                return v.toObject();
        }
        return QJsonObject();
    }();
    QCOMPARE(entry.value(QLatin1String("bytes")).toInteger(), 11000);
    QCOMPARE(entry.value(QLatin1String("lines")).toInt(), 1000);
    QCOMPARE(entry.value(QLatin1String("truncated")).toBool(), true);
}

QTEST_GUILESS_MAIN(TestHostileServers)
#include "TestHostileServers.moc"

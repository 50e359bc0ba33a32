// The reply line bound through a real socket (FakeMailServer on 127.0.0.1 and SslLineTransport):
// a greeting of exactly 65,536 bytes + CRLF is a greeting, 65,537 is reply-too-long. SMTP, IMAP
// and POP3; the line ending in the same write as the line, and after a pause in a write of its
// own. (The CR/LF split across reads is in tests/unit/TestLineBoundary.cpp.)

#include "FakeMailServer.h"
#include "RunHelpers.h"
#include "session/ProbeSession.h"
#include "TestPrinters.h"

#include <QSignalSpy>
#include <QTest>

Q_DECLARE_METATYPE(Protocol)

namespace {

constexpr qsizetype Limit = 65536;
constexpr int RunTimeoutMs = 20000;

} // namespace

class TestLineBoundarySockets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void greeting_data();
    void greeting();
};

void TestLineBoundarySockets::greeting_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QString>("greeting");
    QTest::addColumn<QString>("goodbye"); // what the server expects and answers after the banner
    QTest::addColumn<bool>("endingApart");
    QTest::addColumn<qsizetype>("length");
    // --stop-after banner: the client says goodbye right after the greeting (RFC 5321 s.4.1.1.10
    // QUIT, RFC 9051 s.6.1.3 LOGOUT with the first tag, RFC 1939 s.6 QUIT).
    const struct
    {
        const char* name;
        Protocol protocol;
        const char* greeting;
        const char* goodbye;
    } protocols[] = {
        {"SMTP", Protocol::Smtp, "220 ", "C: QUIT\nS: 221 bye\n"},
        {"IMAP", Protocol::Imap, "* OK ", "C: A1 LOGOUT\nS: * BYE bye\nS: A1 OK done\n"},
        {"POP3", Protocol::Pop3, "+OK ", "C: QUIT\nS: +OK bye\n"},
    };
    for (const auto& p : protocols) {
        for (const bool apart : {false, true}) {
            for (const qsizetype length : {Limit, Limit + 1}) {
                QTest::addRow("%s, %lld bytes, ending %s", p.name, qlonglong(length),
                              apart ? "in a later write" : "in the same write")
                    << p.protocol << QString::fromLatin1(p.greeting) << QString::fromLatin1(p.goodbye)
                    << apart << length;
            }
        }
    }
}

void TestLineBoundarySockets::greeting()
{
    QFETCH(Protocol, protocol);
    QFETCH(QString, greeting);
    QFETCH(QString, goodbye);
    QFETCH(bool, endingApart);
    QFETCH(qsizetype, length);
    const bool accepted = length == Limit;

    const QString line = greeting + QString(length - greeting.size(), QLatin1Char('x'));
    // P: sends the line without its CRLF; an empty S: then sends the CRLF alone.
    QString script =
        endingApart ? QStringLiteral("P: %1\nW: 50\nS: \n").arg(line) : QStringLiteral("S: %1\n").arg(line);
    if (accepted)
        script += goodbye;
    FakeMailServer server;
    QVERIFY2(server.loadScript(script) && server.listen(), qPrintable(server.errorSummary()));

    ProbeOptions o;
    o.host = QStringLiteral("127.0.0.1");
    o.port = server.port();
    o.protocol = protocol;
    o.tls = TlsMode::None;
    o.policy = TlsPolicy::Opportunistic;
    o.stopAfter = StepId::Banner;
    o.stepTimeoutMs = RunTimeoutMs;
    ProbeSession session(o);
    QSignalSpy finished(&session, &ProbeSession::finished);
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.isFinished(), RunTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(server.isFinished(), RunTimeoutMs);
    const Run& run = session.run();

    if (accepted) {
        QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 0, 2),
                 QStringLiteral("resolve=ok connect=ok banner=ok"));
        QCOMPARE(sortedFindingIds(run), QStringList {});
        QVERIFY2(server.errors().isEmpty(), qPrintable(server.errorSummary()));
        QVERIFY(server.isComplete());
        return;
    }
    QCOMPARE(stepsOf(run).section(QLatin1Char(' '), 0, 2),
             QStringLiteral("resolve=ok connect=ok banner=failed"));
    QCOMPARE(sortedFindingIds(run), QStringList {QStringLiteral("reply-too-long")});
    QVERIFY(server.receivedLines().isEmpty()); // no answer to an overlong greeting
}

QTEST_GUILESS_MAIN(TestLineBoundarySockets)
#include "TestLineBoundarySockets.moc"

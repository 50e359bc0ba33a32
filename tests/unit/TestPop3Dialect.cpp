// POP3 framing (+OK/-ERR, multi-line CAPA ending in ".", "+ " continuations in AUTH), capabilities
// and the exact command bytes, as plain data.

#include "protocol/Pop3Dialect.h"

#include <QTest>

Q_DECLARE_METATYPE(Dialect::Expect)

class TestPop3Dialect final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingArrivesUnasked();
    void framing_data();
    void framing();
    void capabilities();
    void offers_data();
    void offers();
    void commands();
    void userPass();
};

void TestPop3Dialect::framing_data()
{
    QTest::addColumn<Dialect::Expect>("expect");
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<int>("completesAt"); // -1: malformed at the last line, -2: out of sequence
    QTest::addColumn<bool>("positive");
    QTest::addColumn<bool>("continuation");
    QTest::addColumn<QString>("text");

    using E = Dialect::Expect;
    QTest::newRow("greeting") << E::Banner << QList<QByteArray> {"+OK Dovecot ready."} << 0 << true << false
                              << QStringLiteral("Dovecot ready.");
    QTest::newRow("greeting apop") << E::Banner
                                   << QList<QByteArray> {"+OK POP3 <1896.697170952@dbc.mtview.ca.us>"} << 0
                                   << true << false
                                   << QStringLiteral("POP3 <1896.697170952@dbc.mtview.ca.us>");
    QTest::newRow("greeting bare") << E::Banner << QList<QByteArray> {"+OK"} << 0 << true << false
                                   << QString();
    QTest::newRow("greeting err") << E::Banner << QList<QByteArray> {"-ERR [SYS/TEMP] busy"} << 0 << false
                                  << false << QStringLiteral("[SYS/TEMP] busy");
    QTest::newRow("greeting smtp") << E::Banner << QList<QByteArray> {"220 mx"} << -1 << false << false
                                   << QString();
    QTest::newRow("greeting +OKAY") << E::Banner << QList<QByteArray> {"+OKAY"} << -1 << false << false
                                    << QString();
    QTest::newRow("capa") << E::Capabilities
                          << QList<QByteArray> {"+OK capability list follows", "USER", "STLS", "SASL PLAIN",
                                                "."}
                          << 4 << true << false << QStringLiteral("capability list follows");
    QTest::newRow("capa refused") << E::Capabilities << QList<QByteArray> {"-ERR unknown command"} << 0
                                  << false << false << QStringLiteral("unknown command");
    QTest::newRow("stls") << E::StartTls << QList<QByteArray> {"+OK Begin TLS negotiation now."} << 0 << true
                          << false << QStringLiteral("Begin TLS negotiation now.");
    QTest::newRow("continuation") << E::Auth << QList<QByteArray> {"+ VXNlcm5hbWU6"} << 0 << false << true
                                  << QStringLiteral("VXNlcm5hbWU6");
    QTest::newRow("bare continuation")
        << E::Auth << QList<QByteArray> {"+"} << 0 << false << true << QString();
    QTest::newRow("auth ok") << E::Auth << QList<QByteArray> {"+OK Logged in."} << 0 << true << false
                             << QStringLiteral("Logged in.");
    QTest::newRow("auth err") << E::Auth << QList<QByteArray> {"-ERR [AUTH] Authentication failed."} << 0
                              << false << false << QStringLiteral("[AUTH] Authentication failed.");
    // RFC 5034 s.4: "+ " only continues AUTH; RFC 1939 s.3: one status line per answer.
    QTest::newRow("continuation outside auth")
        << E::Generic << QList<QByteArray> {"+ hm"} << -2 << false << false << QString();
    QTest::newRow("continuation to CAPA")
        << E::Capabilities << QList<QByteArray> {"+"} << -2 << false << false << QString();
    QTest::newRow("status inside the capability list")
        << E::Capabilities << QList<QByteArray> {"+OK Dovecot ready.", "+OK Capability list follows"} << -2
        << false << false << QString();
    QTest::newRow("error inside the capability list")
        << E::Capabilities << QList<QByteArray> {"+OK", "USER", "-ERR nope"} << -2 << false << false
        << QString();
    QTest::newRow("garbage") << E::Quit << QList<QByteArray> {"220 mx ESMTP"} << -1 << false << false
                             << QString();
}

void TestPop3Dialect::framing()
{
    QFETCH(Dialect::Expect, expect);
    QFETCH(QList<QByteArray>, lines);
    QFETCH(int, completesAt);
    QFETCH(bool, positive);
    QFETCH(bool, continuation);
    QFETCH(QString, text);

    Pop3Dialect d;
    d.expectReply(expect);
    for (int i = 0; i < lines.size(); ++i) {
        const Dialect::Feed feed = d.feed(lines.at(i));
        if (completesAt < 0 && i == lines.size() - 1) {
            QCOMPARE(feed, completesAt == -2 ? Dialect::Feed::OutOfSequence : Dialect::Feed::Malformed);
            QVERIFY(!d.problem().isEmpty());
            return;
        }
        QCOMPARE(feed, i == completesAt ? Dialect::Feed::Complete : Dialect::Feed::NeedMore);
    }
    const Reply reply = d.takeReply();
    QCOMPARE(reply.positive, positive);
    QCOMPARE(reply.continuation, continuation);
    QCOMPARE(reply.text, text);
    QCOMPARE(reply.lines, lines);
}

void TestPop3Dialect::capabilities()
{
    Pop3Dialect d;
    d.expectReply(Dialect::Expect::Capabilities);
    const QList<QByteArray> lines {"+OK", "TOP", "USER", "SASL PLAIN LOGIN", "..odd", "STLS", "."};
    for (const QByteArray& l : lines)
        d.feed(l);
    const Reply r = d.takeReply();
    QCOMPARE(d.capabilities(r), (QStringList {"TOP", "USER", "SASL PLAIN LOGIN", ".odd", "STLS"}));
    Reply refused;
    refused.lines = {"-ERR no"};
    QVERIFY(d.capabilities(refused).isEmpty());
    QVERIFY(d.capabilitiesOptional());
}

void TestPop3Dialect::offers_data()
{
    QTest::addColumn<QStringList>("caps");
    QTest::addColumn<bool>("stls");
    QTest::addColumn<bool>("offersAuth");
    QTest::addColumn<bool>("passwordLogin");
    QTest::addColumn<QStringList>("mechanisms");

    QTest::newRow("dovecot") << QStringList {"CAPA",       "TOP",        "UIDL",
                                             "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE",
                                             "STLS",       "USER",       "SASL PLAIN LOGIN"}
                             << true << true << true << QStringList {"PLAIN", "LOGIN"};
    QTest::newRow("tls only login") << QStringList {"CAPA", "TOP", "STLS"} << true << false << false
                                    << QStringList {};
    QTest::newRow("sasl only") << QStringList {"SASL CRAM-MD5"} << false << true << false
                               << QStringList {"CRAM-MD5"};
    QTest::newRow("no capa") << QStringList {} << false << false << true << QStringList {};
}

void TestPop3Dialect::offers()
{
    QFETCH(QStringList, caps);
    Pop3Dialect d;
    QTEST(d.offersStartTls(caps), "stls");
    QTEST(d.offersAuth(caps), "offersAuth");
    QTEST(d.offersPasswordLogin(caps), "passwordLogin");
    QTEST(d.saslMechanisms(caps), "mechanisms");
}

void TestPop3Dialect::commands()
{
    Pop3Dialect d;
    QCOMPARE(d.capabilityCommand(0), QByteArray("CAPA\r\n"));
    QCOMPARE(d.capabilityCommand(1), QByteArray());
    QCOMPARE(d.startTlsCommand(), QByteArray("STLS\r\n"));
    QCOMPARE(d.quitCommand(), QByteArray("QUIT\r\n"));
    QCOMPARE(d.startTlsVerb(), QStringLiteral("STLS"));
    const Dialect::Command plain = d.authenticateCommand("PLAIN", QByteArray("\0alice\0s3cret", 13));
    QCOMPARE(plain.bytes, QByteArray("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"));
    QCOMPARE(plain.redacted, QByteArray("AUTH PLAIN [redacted]"));
    QCOMPARE(d.authenticateCommand("LOGIN", std::nullopt).bytes, QByteArray("AUTH LOGIN\r\n"));
}

void TestPop3Dialect::userPass()
{
    Pop3Dialect d;
    const QList<Dialect::Command> c = d.passwordLoginCommands(QStringLiteral("alice"), "s3cret word");
    QCOMPARE(c.size(), 2);
    QCOMPARE(c.at(0).bytes, QByteArray("USER alice\r\n"));
    QCOMPARE(c.at(0).redacted, QByteArray("USER alice"));
    QCOMPARE(c.at(1).bytes, QByteArray("PASS s3cret word\r\n"));
    QCOMPARE(c.at(1).redacted, QByteArray("PASS [redacted]"));
    QVERIFY(d.passwordLoginCommands(QStringLiteral("alice"), "a\r\nDELE 1").isEmpty());
    QVERIFY(!d.problem().isEmpty());
}

void TestPop3Dialect::nothingArrivesUnasked()
{
    // RFC 1939 s.3: every response answers a command; an autologout closes without a word.
    Pop3Dialect d;
    QVERIFY(!d.mayArriveUnasked("+OK Dovecot ready."));
    QVERIFY(!d.mayArriveUnasked("-ERR [SYS/TEMP] shutting down"));
}

QTEST_GUILESS_MAIN(TestPop3Dialect)
#include "TestPop3Dialect.moc"

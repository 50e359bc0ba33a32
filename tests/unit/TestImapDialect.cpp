// IMAP framing (greetings, untagged data, tagged completions, continuations), capabilities and the
// exact command bytes, as plain data (no sockets).

#include "protocol/ImapDialect.h"

#include <QTest>

Q_DECLARE_METATYPE(Dialect::Expect)
Q_DECLARE_METATYPE(Dialect::BannerKind)

class TestImapDialect final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void unaskedLines();
    void tagsAreDeterministic();
    void framing_data();
    void framing();
    void bannerKinds_data();
    void bannerKinds();
    void capabilities_data();
    void capabilities();
    void authOffers_data();
    void authOffers();
    void authenticateCommands();
    void loginQuoting_data();
    void loginQuoting();
    void alerts();
    void challengeDecoding();
    void tooManyLines();
};

void TestImapDialect::tagsAreDeterministic()
{
    ImapDialect d;
    QCOMPARE(d.currentTag(), QByteArray());
    QCOMPARE(d.capabilityCommand(0), QByteArray("A1 CAPABILITY\r\n"));
    QCOMPARE(d.capabilityCommand(1), QByteArray()); // no fallback, and no tag spent on it
    QCOMPARE(d.startTlsCommand(), QByteArray("A2 STARTTLS\r\n"));
    QCOMPARE(d.capabilityCommand(0), QByteArray("A3 CAPABILITY\r\n"));
    const Dialect::Command auth = d.authenticateCommand("PLAIN", QByteArray("\0alice\0s3cret", 13));
    QCOMPARE(auth.bytes, QByteArray("A4 AUTHENTICATE PLAIN AGFsaWNlAHMzY3JldA==\r\n"));
    QCOMPARE(auth.redacted, QByteArray("A4 AUTHENTICATE PLAIN [redacted]"));
    QCOMPARE(d.quitCommand(), QByteArray("A5 LOGOUT\r\n"));
    QCOMPARE(d.currentTag(), QByteArray("A5"));
    QCOMPARE(d.quitVerb(), QStringLiteral("LOGOUT"));
    QCOMPARE(d.startTlsVerb(), QStringLiteral("STARTTLS"));
}

void TestImapDialect::framing_data()
{
    QTest::addColumn<Dialect::Expect>("expect");
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<int>("completesAt"); // index of the completing line; -1: malformed at the last line
    QTest::addColumn<bool>("positive");
    QTest::addColumn<bool>("continuation");
    QTest::addColumn<QString>("text");

    using E = Dialect::Expect;
    QTest::newRow("greeting ok") << E::Banner << QList<QByteArray> {"* OK IMAP4rev1 ready"} << 0 << true
                                 << false << QStringLiteral("IMAP4rev1 ready");
    QTest::newRow("greeting with capability code")
        << E::Banner << QList<QByteArray> {"* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN] Dovecot ready."}
        << 0 << true << false << QStringLiteral("Dovecot ready.");
    QTest::newRow("greeting preauth") << E::Banner << QList<QByteArray> {"* PREAUTH welcome back"} << 0
                                      << true << false << QStringLiteral("welcome back");
    QTest::newRow("greeting bye") << E::Banner << QList<QByteArray> {"* BYE go away"} << 0 << false << false
                                  << QStringLiteral("go away");
    QTest::newRow("greeting lower case")
        << E::Banner << QList<QByteArray> {"* ok hi"} << 0 << true << false << QStringLiteral("hi");
    QTest::newRow("greeting smtp") << E::Banner << QList<QByteArray> {"220 mx ESMTP"} << -1 << false << false
                                   << QString();
    QTest::newRow("greeting tagged") << E::Banner << QList<QByteArray> {"A1 OK hi"} << -1 << false << false
                                     << QString();
    QTest::newRow("capability") << E::Capabilities
                                << QList<QByteArray> {"* CAPABILITY IMAP4rev1 STARTTLS", "A1 OK done"} << 1
                                << true << false << QStringLiteral("done");
    QTest::newRow("tagged NO") << E::Generic << QList<QByteArray> {"A1 NO [AUTHENTICATIONFAILED] nope"} << 0
                               << false << false << QStringLiteral("[AUTHENTICATIONFAILED] nope");
    QTest::newRow("tagged BAD") << E::Generic << QList<QByteArray> {"A1 BAD what"} << 0 << false << false
                                << QStringLiteral("what");
    // RFC 9051 s.2.2.1: a completion with another tag answers another command: out of step (-2).
    QTest::newRow("other tag") << E::Generic << QList<QByteArray> {"A7 OK stale"} << -2 << false << false
                               << QString();
    QTest::newRow("other tag after untagged")
        << E::Capabilities << QList<QByteArray> {"* CAPABILITY IMAP4rev1", "A0 NO old"} << -2 << false
        << false << QString();
    QTest::newRow("other tag, lower-case status")
        << E::Quit << QList<QByteArray> {"* BYE", "X99 ok done"} << -2 << false << false << QString();
    QTest::newRow("tag without status")
        << E::Generic << QList<QByteArray> {"A1 MAYBE"} << -1 << false << false << QString();
    QTest::newRow("garbage") << E::Generic << QList<QByteArray> {"* OK fine", "hello"} << -1 << false << false
                             << QString();
    QTest::newRow("logout") << E::Quit << QList<QByteArray> {"* BYE Logging out", "A1 OK Logout completed."}
                            << 1 << true << false << QStringLiteral("Logout completed.");
    QTest::newRow("continuation in auth")
        << E::Auth << QList<QByteArray> {"+ PDEyMzQ+"} << 0 << false << true << QStringLiteral("PDEyMzQ+");
    QTest::newRow("bare continuation in auth")
        << E::Auth << QList<QByteArray> {"+"} << 0 << false << true << QString();
    QTest::newRow("continuation elsewhere")
        << E::StartTls << QList<QByteArray> {"+ go on"} << -2 << false << false << QString();
    QTest::newRow("bare continuation elsewhere")
        << E::Capabilities << QList<QByteArray> {"+"} << -2 << false << false << QString();
    QTest::newRow("auth ok with capabilities")
        << E::Auth << QList<QByteArray> {"A1 OK [CAPABILITY IMAP4rev1 IDLE] Logged in"} << 0 << true << false
        << QStringLiteral("Logged in");
}

void TestImapDialect::framing()
{
    QFETCH(Dialect::Expect, expect);
    QFETCH(QList<QByteArray>, lines);
    QFETCH(int, completesAt);
    QFETCH(bool, positive);
    QFETCH(bool, continuation);
    QFETCH(QString, text);

    ImapDialect d;
    if (expect != Dialect::Expect::Banner)
        d.capabilityCommand(0); // tag A1
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
    QCOMPARE(reply.statusLine(), lines.constLast());
}

void TestImapDialect::bannerKinds_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<Dialect::BannerKind>("kind");
    QTest::newRow("ok") << QByteArray("* OK ready") << Dialect::BannerKind::Ready;
    QTest::newRow("preauth") << QByteArray("* PREAUTH [CAPABILITY IMAP4rev1] hi")
                             << Dialect::BannerKind::PreAuthenticated;
    QTest::newRow("bye") << QByteArray("* BYE [UNAVAILABLE] busy") << Dialect::BannerKind::Closing;
}

void TestImapDialect::bannerKinds()
{
    QFETCH(QByteArray, line);
    QFETCH(Dialect::BannerKind, kind);
    ImapDialect d;
    d.expectReply(Dialect::Expect::Banner);
    QCOMPARE(d.feed(line), Dialect::Feed::Complete);
    QCOMPARE(d.classifyBanner(d.takeReply()), kind);
}

void TestImapDialect::capabilities_data()
{
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<QStringList>("caps");
    QTest::newRow("untagged") << QList<QByteArray> {"* CAPABILITY IMAP4rev1 SASL-IR STARTTLS AUTH=PLAIN",
                                                    "A1 OK ."}
                              << QStringList {"IMAP4rev1", "SASL-IR", "STARTTLS", "AUTH=PLAIN"};
    QTest::newRow("response code only")
        << QList<QByteArray> {"* OK [CAPABILITY IMAP4rev1 LOGINDISABLED STARTTLS] ready"}
        << QStringList {"IMAP4rev1", "LOGINDISABLED", "STARTTLS"};
    QTest::newRow("untagged wins over code")
        << QList<QByteArray> {"* CAPABILITY IMAP4rev1 IDLE", "A1 OK [CAPABILITY IMAP4rev1] done"}
        << QStringList {"IMAP4rev1", "IDLE"};
    QTest::newRow("duplicates dropped")
        << QList<QByteArray> {"* CAPABILITY IMAP4rev1 IDLE", "* CAPABILITY idle X", "A1 OK"}
        << QStringList {"IMAP4rev1", "IDLE", "X"};
    QTest::newRow("none") << QList<QByteArray> {"A1 OK nothing"} << QStringList {};
}

void TestImapDialect::capabilities()
{
    QFETCH(QList<QByteArray>, lines);
    QFETCH(QStringList, caps);
    Reply r;
    r.lines = lines;
    QCOMPARE(ImapDialect().capabilities(r), caps);
}

void TestImapDialect::authOffers_data()
{
    QTest::addColumn<QStringList>("caps");
    QTest::addColumn<bool>("startTls");
    QTest::addColumn<bool>("offersAuth");
    QTest::addColumn<bool>("passwordLogin");
    QTest::addColumn<QStringList>("mechanisms");
    QTest::addColumn<bool>("saslIr");

    QTest::newRow("dovecot on loopback") << QStringList {"IMAP4rev1", "SASL-IR", "STARTTLS", "AUTH=PLAIN"}
                                         << true << true << true << QStringList {"PLAIN"} << true;
    QTest::newRow("logindisabled") << QStringList {"IMAP4rev1", "STARTTLS", "LOGINDISABLED"} << true << false
                                   << false << QStringList {} << false;
    QTest::newRow("logindisabled but sasl")
        << QStringList {"IMAP4rev1", "LOGINDISABLED", "AUTH=PLAIN", "auth=login"} << false << true << false
        << QStringList {"PLAIN", "LOGIN"} << false;
    QTest::newRow("login only") << QStringList {"IMAP4rev1"} << false << true << true << QStringList {}
                                << false;
    QTest::newRow("nothing known") << QStringList {} << false << false << true << QStringList {} << false;
}

void TestImapDialect::authOffers()
{
    QFETCH(QStringList, caps);
    ImapDialect d;
    QTEST(d.offersStartTls(caps), "startTls");
    QTEST(d.offersAuth(caps), "offersAuth");
    QTEST(d.offersPasswordLogin(caps), "passwordLogin");
    QTEST(d.saslMechanisms(caps), "mechanisms");
    QTEST(d.acceptsInitialResponse(caps), "saslIr");
}

void TestImapDialect::authenticateCommands()
{
    ImapDialect d;
    // Without SASL-IR the mechanism name goes alone; the response follows the continuation.
    const Dialect::Command bare = d.authenticateCommand("LOGIN", std::nullopt);
    QCOMPARE(bare.bytes, QByteArray("A1 AUTHENTICATE LOGIN\r\n"));
    QCOMPARE(bare.redacted, QByteArray("A1 AUTHENTICATE LOGIN"));
    const Dialect::Command answer = d.authResponse("alice");
    QCOMPARE(answer.bytes, QByteArray("YWxpY2U=\r\n"));
    QCOMPARE(answer.redacted, QByteArray("[redacted]"));
    QCOMPARE(d.authResponse({}).bytes, QByteArray("\r\n"));
    QCOMPARE(d.authCancel(), QByteArray("*\r\n"));
    // An empty initial response is "=" (RFC 4959 s.3).
    QCOMPARE(d.authenticateCommand("XOAUTH2", QByteArray()).bytes,
             QByteArray("A2 AUTHENTICATE XOAUTH2 =\r\n"));
}

void TestImapDialect::loginQuoting_data()
{
    QTest::addColumn<QString>("user");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("bytes"); // empty: refused

    QTest::newRow("simple") << QStringLiteral("alice@mailscope.test") << QByteArray("s3cret")
                            << QByteArray("A1 LOGIN \"alice@mailscope.test\" \"s3cret\"\r\n");
    QTest::newRow("quote and backslash") << QStringLiteral("bob") << QByteArray("a\"b\\c")
                                         << QByteArray("A1 LOGIN \"bob\" \"a\\\"b\\\\c\"\r\n");
    QTest::newRow("space") << QStringLiteral("bob") << QByteArray("two words")
                           << QByteArray("A1 LOGIN \"bob\" \"two words\"\r\n");
    QTest::newRow("line break") << QStringLiteral("bob") << QByteArray("a\r\nA2 DELETE INBOX")
                                << QByteArray();
    QTest::newRow("8-bit") << QStringLiteral("bob") << QByteArray("p\xc3\xa4ss") << QByteArray();
}

void TestImapDialect::loginQuoting()
{
    QFETCH(QString, user);
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, bytes);
    ImapDialect d;
    QVERIFY(d.offersPasswordLogin({QStringLiteral("IMAP4rev1")}));
    const QList<Dialect::Command> commands = d.passwordLoginCommands(user, password);
    if (bytes.isEmpty()) {
        QVERIFY(commands.isEmpty());
        QVERIFY(!d.problem().isEmpty());
        return;
    }
    QCOMPARE(commands.size(), 1);
    QCOMPARE(commands.constFirst().bytes, bytes);
    QCOMPARE(commands.constFirst().redacted, QByteArray("A1 LOGIN [redacted]"));
}

void TestImapDialect::alerts()
{
    Reply r;
    r.lines = {"* OK [ALERT] Your password expires, visit http://phish.example", "A1 OK done"};
    QCOMPARE(ImapDialect().alerts(r),
             QStringList {QStringLiteral("Your password expires, visit http://phish.example")});
    r.lines = {"* OK all fine", "A1 NO [ALERT] Quota exceeded"};
    QCOMPARE(ImapDialect().alerts(r), QStringList {QStringLiteral("Quota exceeded")});
    r.lines = {"A1 OK nothing"};
    QVERIFY(ImapDialect().alerts(r).isEmpty());
}

void TestImapDialect::challengeDecoding()
{
    ImapDialect d;
    d.authenticateCommand("CRAM-MD5", std::nullopt);
    d.expectReply(Dialect::Expect::Auth);
    QCOMPARE(d.feed("+ PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+"), Dialect::Feed::Complete);
    QCOMPARE(d.challenge(d.takeReply()),
             std::optional<QByteArray>("<1896.697170952@postoffice.reston.mci.net>"));
    d.expectReply(Dialect::Expect::Auth);
    QCOMPARE(d.feed("+ not*base64"), Dialect::Feed::Complete);
    QCOMPARE(d.challenge(d.takeReply()), std::nullopt);
}

void TestImapDialect::tooManyLines()
{
    ImapDialect d;
    d.capabilityCommand(0);
    d.expectReply(Dialect::Expect::Capabilities);
    Dialect::Feed feed = Dialect::Feed::NeedMore;
    for (int i = 0; i <= ImapDialect::MaxReplyLines && feed == Dialect::Feed::NeedMore; ++i)
        feed = d.feed("* CAPABILITY X");
    QCOMPARE(feed, Dialect::Feed::TooLong);
}

void TestImapDialect::unaskedLines()
{
    // RFC 9051 s.7: untagged data may come at any time; completions and continuations answer
    // commands.
    ImapDialect d;
    QVERIFY(d.mayArriveUnasked("* OK [ALERT] maintenance at noon"));
    QVERIFY(d.mayArriveUnasked("* BYE Autologout; idle for too long"));
    QVERIFY(!d.mayArriveUnasked("A1 OK done"));
    QVERIFY(!d.mayArriveUnasked("+ go on"));
    QVERIFY(!d.mayArriveUnasked("*"));
    QCOMPARE(ImapDialect::taggedStatusTag("A7 OK stale"), QByteArray("A7"));
    QCOMPARE(ImapDialect::taggedStatusTag("INJ00C0FFEE bad unknown command"), QByteArray("INJ00C0FFEE"));
    QCOMPARE(ImapDialect::taggedStatusTag("* OK hi"), QByteArray());
    QCOMPARE(ImapDialect::taggedStatusTag("+ OK"), QByteArray());
    QCOMPARE(ImapDialect::taggedStatusTag("A1 MAYBE"), QByteArray());
    QCOMPARE(ImapDialect::taggedStatusTag("hello there"), QByteArray());
}

QTEST_GUILESS_MAIN(TestImapDialect)
#include "TestImapDialect.moc"

// SASL mechanisms (PLAIN, LOGIN, CRAM-MD5, XOAUTH2), mechanism choice, and the reply explainer.

#include "auth/CramMd5Mechanism.h"
#include "auth/SaslMechanism.h"
#include "findings/ReplyExplainer.h"
#include "protocol/SmtpDialect.h"
#include "TestPrinters.h"

#include <QTest>

class TestSasl final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plain();
    void plainWithoutInitialResponse();
    void login();
    void cramMd5Rfc2195Vector();
    void xoauth2();
    void choose_data();
    void choose();
    void smtpAuthFraming();
    void explainer_data();
    void explainer();
};

void TestSasl::plain()
{
    auto m = SaslMechanism::create("plain", QStringLiteral("alice"), "s3cret");
    QVERIFY(m);
    QCOMPARE(m->name(), QByteArray("PLAIN"));
    QCOMPARE(m->initialResponse(), std::optional<QByteArray>(QByteArray("\0alice\0s3cret", 13)));
    QCOMPARE(m->initialResponse()->toBase64(), QByteArray("AGFsaWNlAHMzY3JldA=="));
    QVERIFY(!m->respond("more?"));
    QVERIFY(!m->problem().isEmpty());
    QVERIFY(!m->problem().contains(QLatin1String("s3cret")));
    QVERIFY(m->revealsSecret());
}

void TestSasl::plainWithoutInitialResponse()
{
    auto m = SaslMechanism::create("PLAIN", QStringLiteral("alice"), "s3cret");
    QCOMPARE(m->respond({}), std::optional<QByteArray>(QByteArray("\0alice\0s3cret", 13)));
    QVERIFY(!m->respond({}));
}

void TestSasl::login()
{
    auto m = SaslMechanism::create("LOGIN", QStringLiteral("alice"), "s3cret");
    QVERIFY(!m->initialResponse());
    QCOMPARE(m->respond("Username:"), std::optional<QByteArray>("alice"));
    QCOMPARE(m->respond("Password:"), std::optional<QByteArray>("s3cret"));
    QVERIFY(!m->respond("Again:"));
}

void TestSasl::cramMd5Rfc2195Vector()
{
    // RFC 2195 s.2, the worked example.
    auto m = SaslMechanism::create("CRAM-MD5", QStringLiteral("tim"), "tanstaaftanstaaf");
    QVERIFY(!m->initialResponse());
    QVERIFY(!m->revealsSecret());
    const QByteArray challenge =
        QByteArray::fromBase64("PDE4OTYuNjk3MTcwOTUyQHBvc3RvZmZpY2UucmVzdG9uLm1jaS5uZXQ+");
    QCOMPARE(challenge, QByteArray("<1896.697170952@postoffice.reston.mci.net>"));
    const auto response = m->respond(challenge);
    QCOMPARE(response, std::optional<QByteArray>("tim b913a602c7eda7a495b4e6e7334d3890"));
    QCOMPARE(response->toBase64(), QByteArray("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"));
    QVERIFY(!m->respond(challenge)); // one challenge only
    QVERIFY(!SaslMechanism::create("CRAM-MD5", QStringLiteral("tim"), "x")->respond({}));
}

void TestSasl::xoauth2()
{
    auto m = SaslMechanism::create("xoauth2", QStringLiteral("alice@example.com"), "ya29.token");
    QCOMPARE(m->initialResponse(), std::optional<QByteArray>("user=alice@example.com\x01"
                                                             "auth=Bearer ya29.token\x01\x01"));
    // The error challenge is answered with an empty response; its JSON becomes the problem text.
    QCOMPARE(m->respond(R"({"status":"401","schemes":"bearer"})"), std::optional<QByteArray>(QByteArray()));
    QVERIFY(m->problem().contains(QLatin1String("401")));
    QVERIFY(!m->problem().contains(QLatin1String("ya29")));
    QVERIFY(!m->respond("again"));
}

void TestSasl::choose_data()
{
    QTest::addColumn<QStringList>("offered");
    QTest::addColumn<QString>("requested");
    QTest::addColumn<QByteArray>("chosen");

    const QStringList all {"LOGIN", "PLAIN", "CRAM-MD5", "XOAUTH2"};
    QTest::newRow("auto strongest") << all << "auto" << QByteArray("CRAM-MD5");
    QTest::newRow("auto plain over login") << QStringList {"LOGIN", "PLAIN"} << "auto" << QByteArray("PLAIN");
    QTest::newRow("auto lower case offer") << QStringList {"login"} << "auto" << QByteArray("LOGIN");
    QTest::newRow("auto never xoauth2") << QStringList {"XOAUTH2", "OAUTHBEARER"} << "auto" << QByteArray();
    QTest::newRow("auto unsupported only")
        << QStringList {"GSSAPI", "SCRAM-SHA-256"} << "auto" << QByteArray();
    QTest::newRow("empty means auto") << all << "" << QByteArray("CRAM-MD5");
    QTest::newRow("forced login") << all << "login" << QByteArray("LOGIN");
    QTest::newRow("forced xoauth2") << all << "xoauth2" << QByteArray("XOAUTH2");
    QTest::newRow("forced, not offered") << QStringList {"PLAIN"} << "cram-md5" << QByteArray();
    QTest::newRow("forced, unknown") << QStringList {"GSSAPI"} << "gssapi" << QByteArray();
}

void TestSasl::choose()
{
    QFETCH(QStringList, offered);
    QFETCH(QString, requested);
    QTEST(SaslMechanism::choose(offered, requested), "chosen");
}

void TestSasl::smtpAuthFraming()
{
    SmtpDialect d("probe.test");
    const QStringList caps {"PIPELINING", "AUTH PLAIN LOGIN CRAM-MD5", "AUTH=LOGIN", "SIZE 10"};
    QCOMPARE(d.saslMechanisms(caps), (QStringList {"PLAIN", "LOGIN", "CRAM-MD5"}));
    QVERIFY(d.acceptsInitialResponse(caps));
    const Dialect::Command plain = d.authenticateCommand("PLAIN", QByteArray("\0alice\0s3cret", 13));
    QCOMPARE(plain.bytes, QByteArray("AUTH PLAIN AGFsaWNlAHMzY3JldA==\r\n"));
    QCOMPARE(plain.redacted, QByteArray("AUTH PLAIN [redacted]"));
    QCOMPARE(d.authenticateCommand("LOGIN", std::nullopt).bytes, QByteArray("AUTH LOGIN\r\n"));
    QCOMPARE(d.authenticateCommand("LOGIN", std::nullopt).redacted, QByteArray("AUTH LOGIN"));
    QVERIFY(!d.offersPasswordLogin(caps));
    QVERIFY(d.passwordLoginCommands(QStringLiteral("a"), "b").isEmpty());

    // 334 is a continuation inside AUTH only.
    d.expectReply(Dialect::Expect::Auth);
    QCOMPARE(d.feed("334 VXNlcm5hbWU6"), Dialect::Feed::Complete);
    Reply r = d.takeReply();
    QVERIFY(r.continuation);
    QVERIFY(!r.positive);
    QCOMPARE(d.challenge(r), std::optional<QByteArray>("Username:"));
    d.expectReply(Dialect::Expect::Auth);
    QCOMPARE(d.feed("235 2.7.0 Authentication successful"), Dialect::Feed::Complete);
    r = d.takeReply();
    QVERIFY(r.positive);
    QVERIFY(!r.continuation);
    d.expectReply(Dialect::Expect::Generic);
    QCOMPARE(d.feed("334 odd"), Dialect::Feed::Complete);
    QVERIFY(!d.takeReply().continuation);
}

void TestSasl::explainer_data()
{
    QTest::addColumn<Protocol>("protocol");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("contains"); // empty: no explanation expected

    QTest::newRow("535 5.7.8") << Protocol::Smtp
                               << QByteArray("535 5.7.8 Error: authentication failed: authentication failure")
                               << "password is wrong";
    QTest::newRow("534 5.7.9") << Protocol::Smtp
                               << QByteArray(
                                      "534-5.7.9 Application-specific password required. Learn more at")
                               << "application-specific password";
    QTest::newRow("538 5.7.11")
        << Protocol::Smtp
        << QByteArray("538 5.7.11 Encryption required for requested authentication mechanism")
        << "requires encryption";
    QTest::newRow("454 4.7.0") << Protocol::Smtp << QByteArray("454 4.7.0 Temporary authentication failure")
                               << "temporary";
    QTest::newRow("530 5.7.0") << Protocol::Smtp
                               << QByteArray("530 5.7.0 Must issue a STARTTLS command first") << "STARTTLS";
    QTest::newRow("535 no enhanced") << Protocol::Smtp << QByteArray("535 Authentication failed") << "wrong";
    QTest::newRow("504") << Protocol::Smtp << QByteArray("504 5.5.4 Unrecognized authentication type")
                         << "does not support";
    QTest::newRow("250 unknown") << Protocol::Smtp << QByteArray("250 fine") << "";
    QTest::newRow("imap authenticationfailed")
        << Protocol::Imap << QByteArray("A3 NO [AUTHENTICATIONFAILED] Authentication failed.")
        << "password is wrong";
    QTest::newRow("imap privacyrequired")
        << Protocol::Imap << QByteArray("A3 NO [PRIVACYREQUIRED] Plaintext authentication disallowed")
        << "encrypted";
    QTest::newRow("imap unavailable")
        << Protocol::Imap << QByteArray("A3 NO [UNAVAILABLE] Temporary failure") << "temporary";
    QTest::newRow("imap bad") << Protocol::Imap << QByteArray("A3 BAD Error in IMAP command")
                              << "did not understand";
    QTest::newRow("pop3 auth") << Protocol::Pop3 << QByteArray("-ERR [AUTH] Authentication failed.")
                               << "wrong";
    QTest::newRow("pop3 sys/temp") << Protocol::Pop3 << QByteArray("-ERR [SYS/TEMP] try later")
                                   << "temporary";
    QTest::newRow("pop3 in-use") << Protocol::Pop3 << QByteArray("-ERR [IN-USE] locked") << "locked";
    QTest::newRow("pop3 plain") << Protocol::Pop3 << QByteArray("-ERR nope") << "";
}

void TestSasl::explainer()
{
    QFETCH(Protocol, protocol);
    QFETCH(QByteArray, line);
    QFETCH(QString, contains);
    const QString text = ReplyExplainer::explain(protocol, line);
    if (contains.isEmpty())
        QVERIFY2(text.isEmpty(), qPrintable(text));
    else
        QVERIFY2(text.contains(contains, Qt::CaseInsensitive), qPrintable(text));
}

QTEST_GUILESS_MAIN(TestSasl)
#include "TestSasl.moc"

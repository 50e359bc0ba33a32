// The SMTP reply framing and capability parsing, as plain data (no sockets).

#include "protocol/SmtpDialect.h"

#include <QTest>

Q_DECLARE_METATYPE(Dialect::Expect)

class TestSmtpDialect final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseLine_data();
    void parseLine();
    void framing_data();
    void framing();
    void capabilities();
    void startTlsAndAuthDetection_data();
    void startTlsAndAuthDetection();
    void tooManyLines();
    void heloFallbackCommands();
    void replyFitsCommand_data();
    void replyFitsCommand();
    void unaskedLines_data();
    void unaskedLines();
};

void TestSmtpDialect::parseLine_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("code");
    QTest::addColumn<bool>("more");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("final") << QByteArray("250 OK") << true << 250 << false << QByteArray("OK");
    QTest::newRow("continued") << QByteArray("250-PIPELINING") << true << 250 << true
                               << QByteArray("PIPELINING");
    QTest::newRow("code only") << QByteArray("250") << true << 250 << false << QByteArray();
    QTest::newRow("code and space") << QByteArray("220 ") << true << 220 << false << QByteArray();
    QTest::newRow("hyphen, no text") << QByteArray("250-") << true << 250 << true << QByteArray();
    QTest::newRow("5xx") << QByteArray("554 5.7.1 go away") << true << 554 << false
                         << QByteArray("5.7.1 go away");
    QTest::newRow("text") << QByteArray("hello there") << false << 0 << false << QByteArray();
    QTest::newRow("empty") << QByteArray() << false << 0 << false << QByteArray();
    QTest::newRow("two digits") << QByteArray("25 OK") << false << 0 << false << QByteArray();
    QTest::newRow("1xx") << QByteArray("150 nope") << false << 0 << false << QByteArray();
    QTest::newRow("6xx") << QByteArray("650 nope") << false << 0 << false << QByteArray();
    QTest::newRow("second digit 6") << QByteArray("260 nope") << false << 0 << false << QByteArray();
    QTest::newRow("no separator") << QByteArray("250OK") << false << 0 << false << QByteArray();
    QTest::newRow("HTTP") << QByteArray("HTTP/1.1 400 Bad Request") << false << 0 << false << QByteArray();
}

void TestSmtpDialect::parseLine()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, valid);
    int gotCode = 0;
    bool gotMore = false;
    QByteArray gotText;
    QCOMPARE(SmtpDialect::parseLine(line, &gotCode, &gotMore, &gotText), valid);
    if (!valid)
        return;
    QFETCH(int, code);
    QFETCH(bool, more);
    QFETCH(QByteArray, text);
    QCOMPARE(gotCode, code);
    QCOMPARE(gotMore, more);
    QCOMPARE(gotText, text);
}

void TestSmtpDialect::framing_data()
{
    QTest::addColumn<QList<QByteArray>>("lines");
    QTest::addColumn<int>("completesAt"); // index of the line that completes, -1: never
    QTest::addColumn<bool>("malformed");
    QTest::addColumn<bool>("positive");
    QTest::addColumn<QString>("text");

    QTest::newRow("single") << QList<QByteArray> {"220 mx.example.org ESMTP"} << 0 << false << true
                            << QStringLiteral("mx.example.org ESMTP");
    QTest::newRow("multi") << QList<QByteArray> {"250-mx", "250-STARTTLS", "250 SIZE 100"} << 2 << false
                           << true << QStringLiteral("mx / STARTTLS / SIZE 100");
    QTest::newRow("negative") << QList<QByteArray> {"454 4.7.0 TLS not available"} << 0 << false << false
                              << QStringLiteral("4.7.0 TLS not available");
    QTest::newRow("code changes") << QList<QByteArray> {"250-mx", "251 odd"} << -1 << true << false
                                  << QString();
    QTest::newRow("garbage in the middle")
        << QList<QByteArray> {"250-mx", "STARTTLS"} << -1 << true << false << QString();
    QTest::newRow("incomplete") << QList<QByteArray> {"250-mx", "250-STARTTLS"} << -1 << false << false
                                << QString();
}

void TestSmtpDialect::framing()
{
    QFETCH(QList<QByteArray>, lines);
    QFETCH(int, completesAt);
    QFETCH(bool, malformed);

    SmtpDialect dialect("client.test");
    dialect.expectReply(Dialect::Expect::Generic);
    Dialect::Feed last = Dialect::Feed::NeedMore;
    int completedAt = -1;
    for (int i = 0; i < lines.size(); ++i) {
        last = dialect.feed(lines.at(i));
        if (last == Dialect::Feed::Complete) {
            completedAt = i;
            break;
        }
        if (last == Dialect::Feed::Malformed)
            break;
    }
    QCOMPARE(last == Dialect::Feed::Malformed, malformed);
    if (malformed) {
        QVERIFY(!dialect.problem().isEmpty());
        return;
    }
    QCOMPARE(completedAt, completesAt);
    if (completesAt < 0)
        return;
    QFETCH(bool, positive);
    QFETCH(QString, text);
    const Reply reply = dialect.takeReply();
    QCOMPARE(reply.positive, positive);
    QCOMPARE(reply.text, text);
    QCOMPARE(reply.lines.size(), completesAt + 1);
}

void TestSmtpDialect::capabilities()
{
    SmtpDialect dialect("client.test");
    dialect.expectReply(Dialect::Expect::Capabilities);
    for (const char* line : {"250-mx.example.org Hello", "250-PIPELINING", "250-SIZE   10240000",
                             "250-STARTTLS", "250-AUTH PLAIN LOGIN", "250 8BITMIME"}) {
        dialect.feed(line);
    }
    const Reply reply = dialect.takeReply();
    const QStringList caps = dialect.capabilities(reply);
    QCOMPARE(caps, (QStringList {QStringLiteral("PIPELINING"), QStringLiteral("SIZE 10240000"),
                                 QStringLiteral("STARTTLS"), QStringLiteral("AUTH PLAIN LOGIN"),
                                 QStringLiteral("8BITMIME")}));
}

void TestSmtpDialect::startTlsAndAuthDetection_data()
{
    QTest::addColumn<QStringList>("caps");
    QTest::addColumn<bool>("startTls");
    QTest::addColumn<bool>("auth");

    QTest::newRow("none") << QStringList {QStringLiteral("PIPELINING")} << false << false;
    QTest::newRow("starttls lower-case") << QStringList {QStringLiteral("starttls")} << true << false;
    QTest::newRow("STARTTLSX is not STARTTLS") << QStringList {QStringLiteral("STARTTLSX")} << false << false;
    QTest::newRow("auth") << QStringList {QStringLiteral("AUTH PLAIN")} << false << true;
    QTest::newRow("old AUTH=") << QStringList {QStringLiteral("AUTH=LOGIN")} << false << true;
    QTest::newRow("bare AUTH without mechanisms") << QStringList {QStringLiteral("AUTH")} << false << false;
    QTest::newRow("both") << QStringList {QStringLiteral("STARTTLS"), QStringLiteral("AUTH LOGIN")} << true
                          << true;
}

void TestSmtpDialect::startTlsAndAuthDetection()
{
    QFETCH(QStringList, caps);
    QFETCH(bool, startTls);
    QFETCH(bool, auth);
    SmtpDialect dialect("client.test");
    QCOMPARE(dialect.offersStartTls(caps), startTls);
    QCOMPARE(dialect.offersAuth(caps), auth);
}

void TestSmtpDialect::tooManyLines()
{
    SmtpDialect dialect("client.test");
    dialect.expectReply(Dialect::Expect::Capabilities);
    Dialect::Feed result = Dialect::Feed::NeedMore;
    int fed = 0;
    while (result == Dialect::Feed::NeedMore && fed < 10000) {
        result = dialect.feed("250-X");
        ++fed;
    }
    QCOMPARE(result, Dialect::Feed::TooLong);
    QCOMPARE(fed, SmtpDialect::MaxReplyLines + 1);
}

void TestSmtpDialect::heloFallbackCommands()
{
    SmtpDialect dialect("client.test");
    QCOMPARE(dialect.capabilityCommand(0), QByteArray("EHLO client.test\r\n"));
    QCOMPARE(dialect.capabilityCommand(1), QByteArray("HELO client.test\r\n"));
    QVERIFY(dialect.capabilityCommand(2).isEmpty());
    QCOMPARE(dialect.startTlsCommand(), QByteArray("STARTTLS\r\n"));
    QCOMPARE(dialect.quitCommand(), QByteArray("QUIT\r\n"));
}

void TestSmtpDialect::replyFitsCommand_data()
{
    // RFC 5321 s.4.3.2 (command-reply sequences), RFC 3207 s.4 (STARTTLS), RFC 4954 s.4/s.6
    // (AUTH): each command's success code, and any 4xx/5xx error, answer it; nothing else does.
    QTest::addColumn<Dialect::Expect>("expect");
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("fits");
    using E = Dialect::Expect;
    QTest::newRow("greeting 220") << E::Banner << QByteArray("220 mx ESMTP") << true;
    QTest::newRow("greeting 554") << E::Banner << QByteArray("554 no service") << true;
    QTest::newRow("greeting 421") << E::Banner << QByteArray("421 busy") << true;
    QTest::newRow("greeting 250") << E::Banner << QByteArray("250 hello") << false;
    QTest::newRow("greeting 221") << E::Banner << QByteArray("221 bye") << false;
    QTest::newRow("EHLO 250") << E::Capabilities << QByteArray("250 mx") << true;
    QTest::newRow("EHLO 502") << E::Capabilities << QByteArray("502 5.5.2 no") << true;
    QTest::newRow("EHLO 421") << E::Capabilities << QByteArray("421 4.3.2 shutting down") << true;
    QTest::newRow("EHLO 220 (second greeting)") << E::Capabilities << QByteArray("220 mx ESMTP") << false;
    QTest::newRow("EHLO 354") << E::Capabilities << QByteArray("354 go ahead") << false;
    QTest::newRow("EHLO 221") << E::Capabilities << QByteArray("221 bye") << false;
    QTest::newRow("EHLO 235") << E::Capabilities << QByteArray("235 ok") << false;
    QTest::newRow("STARTTLS 220") << E::StartTls << QByteArray("220 2.0.0 Ready") << true;
    QTest::newRow("STARTTLS 454") << E::StartTls << QByteArray("454 4.7.0 TLS not available") << true;
    QTest::newRow("STARTTLS 501") << E::StartTls << QByteArray("501 5.5.4 syntax") << true;
    QTest::newRow("STARTTLS 250") << E::StartTls << QByteArray("250 ok") << false;
    QTest::newRow("STARTTLS 354") << E::StartTls << QByteArray("354 data") << false;
    QTest::newRow("AUTH 235") << E::Auth << QByteArray("235 2.7.0 ok") << true;
    QTest::newRow("AUTH 334") << E::Auth << QByteArray("334 VXNlcm5hbWU6") << true;
    QTest::newRow("AUTH 535") << E::Auth << QByteArray("535 5.7.8 no") << true;
    QTest::newRow("AUTH 250") << E::Auth << QByteArray("250 ok") << false;
    QTest::newRow("AUTH 220") << E::Auth << QByteArray("220 hello") << false;
    QTest::newRow("QUIT 221") << E::Quit << QByteArray("221 2.0.0 Bye") << true;
    QTest::newRow("QUIT 421") << E::Quit << QByteArray("421 bye") << true;
    QTest::newRow("QUIT 250 (EHLO's, one behind)") << E::Quit << QByteArray("250 8BITMIME") << false;
    QTest::newRow("QUIT 220") << E::Quit << QByteArray("220 hello") << false;
}

void TestSmtpDialect::replyFitsCommand()
{
    QFETCH(Dialect::Expect, expect);
    QFETCH(QByteArray, line);
    QFETCH(bool, fits);
    SmtpDialect dialect("client.test");
    dialect.expectReply(expect);
    const Dialect::Feed feed = dialect.feed(line);
    QCOMPARE(feed, fits ? Dialect::Feed::Complete : Dialect::Feed::OutOfSequence);
    if (fits)
        return;
    // The problem names the reply as received, for the finding's evidence.
    QVERIFY2(dialect.problem().contains(QString::fromLatin1(line)), qPrintable(dialect.problem()));
    // A multi-line reply is judged once complete: its first lines are not yet out of step.
    dialect.expectReply(expect);
    QCOMPARE(dialect.feed(line.left(3) + "-first"), Dialect::Feed::NeedMore);
    QCOMPARE(dialect.feed(line), Dialect::Feed::OutOfSequence);
}

void TestSmtpDialect::unaskedLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("allowed");
    // RFC 5321 s.4.2.2: only 421 may come unasked (a server shutting down or timing out).
    QTest::newRow("421") << QByteArray("421 4.4.2 mx Error: timeout exceeded") << true;
    QTest::newRow("second greeting") << QByteArray("220 mx ESMTP") << false;
    QTest::newRow("250") << QByteArray("250 ok") << false;
    QTest::newRow("421 continued") << QByteArray("421-shutting down") << true;
    QTest::newRow("garbage") << QByteArray("421x") << false;
}

void TestSmtpDialect::unaskedLines()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, allowed);
    QCOMPARE(SmtpDialect("client.test").mayArriveUnasked(line), allowed);
}

QTEST_GUILESS_MAIN(TestSmtpDialect)
#include "TestSmtpDialect.moc"

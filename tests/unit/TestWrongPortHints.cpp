// The pure parts of "the right hint instead of a wrong diagnosis": who a server's first bytes
// come from (GreetingSniffer), which handshake errors are a server's TLS alert (PortSniffer),
// the corrected command line (RerunCommand), and how a suggestion appears in the reports.
// Expectations come from the RFCs' greeting syntax, real servers' banners and OpenSSL's own
// reason strings, not from the code under test.

#include "cli/RerunCommand.h"
#include "protocol/GreetingSniffer.h"
#include "run/ReportJson.h"
#include "run/ReportText.h"
#include "session/PortSniffer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using Speaker = GreetingSniffer::Speaker;
Q_DECLARE_METATYPE(GreetingSniffer::Speaker)
Q_DECLARE_METATYPE(Protocol)
Q_DECLARE_METATYPE(TlsMode)

class TestWrongPortHints final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identify_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<Speaker>("speaker");
        // Real greetings (Postfix, Exim, Dovecot, Cyrus, Courier, nginx, OpenSSH).
        QTest::newRow("postfix") << QByteArray("220 mx.example.org ESMTP Postfix (Debian/GNU)")
                                 << Speaker::Smtp;
        QTest::newRow("smtp multiline") << QByteArray("220-mx.example.org ESMTP Exim 4.96") << Speaker::Smtp;
        QTest::newRow("smtp 554") << QByteArray("554 No SMTP service here") << Speaker::Smtp;
        QTest::newRow("dovecot imap") << QByteArray(
            "* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS "
            "AUTH=PLAIN] Dovecot (Debian) ready.")
                                      << Speaker::Imap;
        QTest::newRow("imap preauth")
            << QByteArray("* PREAUTH IMAP4rev1 server logged in as Smith") << Speaker::Imap;
        QTest::newRow("imap bye") << QByteArray("* BYE Autologout; idle for too long") << Speaker::Imap;
        QTest::newRow("imap lower case") << QByteArray("* ok Cyrus IMAP server ready") << Speaker::Imap;
        QTest::newRow("dovecot pop3") << QByteArray("+OK Dovecot (Debian) ready.") << Speaker::Pop3;
        QTest::newRow("pop3 refusing") << QByteArray("-ERR [SYS/TEMP] Server busy") << Speaker::Pop3;
        QTest::newRow("http") << QByteArray("HTTP/1.1 400 Bad Request") << Speaker::Http;
        QTest::newRow("http 1.0") << QByteArray("HTTP/1.0 408 Request Time-out") << Speaker::Http;
        QTest::newRow("openssh") << QByteArray("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3") << Speaker::Ssh;
        // RFC 8446 s.6: an alert record, e.g. protocol_version(70) at fatal level.
        QTest::newRow("tls alert") << QByteArray::fromHex("15030300020246") << Speaker::Tls;
        QTest::newRow("tls 1.0 alert") << QByteArray::fromHex("15030100020228") << Speaker::Tls;
        QTest::newRow("tls handshake") << QByteArray::fromHex("160303007a020000") << Speaker::Tls;
        // Not enough to tell, or nothing known: the dialect judges these.
        QTest::newRow("empty") << QByteArray() << Speaker::Unknown;
        QTest::newRow("two digits") << QByteArray("22") << Speaker::Unknown;
        QTest::newRow("digits glued") << QByteArray("2200 hello") << Speaker::Unknown;
        QTest::newRow("words") << QByteArray("Welcome to the mail service") << Speaker::Unknown;
        QTest::newRow("imap tagged") << QByteArray("A1 OK done") << Speaker::Unknown;
        QTest::newRow("http no version") << QByteArray("HTTP/") << Speaker::Unknown;
        QTest::newRow("tls type 23") << QByteArray::fromHex("170303") << Speaker::Unknown;
        QTest::newRow("tls version 3.9") << QByteArray::fromHex("150309") << Speaker::Unknown;
        QTest::newRow("tls two bytes") << QByteArray::fromHex("1503") << Speaker::Unknown;
    }

    void identify()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(Speaker, speaker);
        QCOMPARE(GreetingSniffer::identify(bytes), speaker);
    }

    void foreignness_data()
    {
        QTest::addColumn<Speaker>("speaker");
        QTest::addColumn<Protocol>("expected");
        QTest::addColumn<bool>("foreign");
        QTest::newRow("smtp under smtp") << Speaker::Smtp << Protocol::Smtp << false;
        QTest::newRow("imap under smtp") << Speaker::Imap << Protocol::Smtp << true;
        QTest::newRow("pop3 under smtp") << Speaker::Pop3 << Protocol::Smtp << true;
        QTest::newRow("smtp under imap") << Speaker::Smtp << Protocol::Imap << true;
        QTest::newRow("pop3 under imap") << Speaker::Pop3 << Protocol::Imap << true;
        QTest::newRow("imap under imap") << Speaker::Imap << Protocol::Imap << false;
        QTest::newRow("smtp under pop3") << Speaker::Smtp << Protocol::Pop3 << true;
        QTest::newRow("imap under pop3") << Speaker::Imap << Protocol::Pop3 << true;
        QTest::newRow("pop3 under pop3") << Speaker::Pop3 << Protocol::Pop3 << false;
        QTest::newRow("http under pop3") << Speaker::Http << Protocol::Pop3 << true;
        QTest::newRow("ssh under imap") << Speaker::Ssh << Protocol::Imap << true;
        QTest::newRow("tls under smtp") << Speaker::Tls << Protocol::Smtp << true;
        QTest::newRow("unknown under smtp") << Speaker::Unknown << Protocol::Smtp << false;
    }

    void foreignness()
    {
        QFETCH(Speaker, speaker);
        QFETCH(Protocol, expected);
        QFETCH(bool, foreign);
        QCOMPARE(GreetingSniffer::isForeign(speaker, expected), foreign);
    }

    void serverAlerts_data()
    {
        QTest::addColumn<QString>("error");
        QTest::addColumn<bool>("alert");
        // QSslSocket::errorString() for OpenSSL 3.0 handshake failures (reason strings from
        // OpenSSL's ssl_err.c): alerts the server sent ...
        QTest::newRow("handshake failure") << QStringLiteral(
            "Error during SSL handshake: error:0A000410:SSL routines::sslv3 alert handshake failure")
                                           << true;
        QTest::newRow("protocol version") << QStringLiteral(
            "Error during SSL handshake: error:0A00042E:SSL routines::tlsv1 alert protocol version")
                                          << true;
        QTest::newRow("certificate required") << QStringLiteral(
            "Error during SSL handshake: error:0A00045C:SSL routines::tlsv13 alert certificate required")
                                              << true;
        QTest::newRow("unrecognized name") << QStringLiteral(
            "Error during SSL handshake: error:0A000458:SSL routines::tlsv1 unrecognized name")
                                           << true;
        // ... and failures that say the peer did not speak TLS at all.
        QTest::newRow("wrong version number")
            << QStringLiteral("Error during SSL handshake: error:0A00010B:SSL routines::wrong version number")
            << false;
        QTest::newRow("packet length") << QStringLiteral(
            "Error during SSL handshake: error:0A0000C6:SSL routines::packet length too long")
                                       << false;
        QTest::newRow("eof") << QStringLiteral(
            "Error during SSL handshake: error:0A000126:SSL routines::unexpected eof while reading")
                             << false;
        QTest::newRow("closed") << QStringLiteral("The remote host closed the connection") << false;
    }

    void serverAlerts()
    {
        QFETCH(QString, error);
        QFETCH(bool, alert);
        QCOMPARE(PortSniffer::namesServerAlert(error), alert);
    }

    void plaintextPeer_data()
    {
        QTest::addColumn<QString>("error");
        QTest::addColumn<bool>("plaintext");
        QTest::newRow("wrong version number")
            << QStringLiteral("Error during SSL handshake: error:0A00010B:SSL routines::wrong version number")
            << true;
        QTest::newRow("alert") << QStringLiteral(
            "Error during SSL handshake: error:0A000410:SSL routines::sslv3 alert handshake failure")
                               << false;
        QTest::newRow("closed") << QStringLiteral(
            "The server closed the connection during the TLS handshake.")
                                << false;
    }

    void plaintextPeer()
    {
        QFETCH(QString, error);
        QFETCH(bool, plaintext);
        QCOMPARE(PortSniffer::namesPlaintextPeer(error), plaintext);
    }

    void rerunCommand_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<Protocol>("protocol");
        QTest::addColumn<TlsMode>("tls");
        QTest::addColumn<QString>("command");
        const auto args = [](const char* line) { return QString::fromLatin1(line).split(QLatin1Char(' ')); };
        QTest::newRow("add --tls")
            << args("mailscope-cli check mx.example.org:4650 --timeout 5") << Protocol::Smtp
            << TlsMode::Implicit
            << QStringLiteral("mailscope-cli check mx.example.org:4650 --timeout 5 --tls implicit");
        QTest::newRow("replace --tls value")
            << args("mailscope-cli check h:2525 --tls starttls --json") << Protocol::Smtp << TlsMode::Implicit
            << QStringLiteral("mailscope-cli check h:2525 --tls implicit --json");
        QTest::newRow("replace --protocol=")
            << args("mailscope-cli check h:2143 --protocol=smtp") << Protocol::Imap << TlsMode::StartTls
            << QStringLiteral("mailscope-cli check h:2143 --protocol imap");
        QTest::newRow("single dash") << args("mailscope-cli check h:2143 -protocol smtp -tls=none")
                                     << Protocol::Pop3 << TlsMode::None
                                     << QStringLiteral(
                                            "mailscope-cli check h:2143 --protocol pop3 --tls none");
        QTest::newRow("both added") << args("mailscope-cli check h:9993") << Protocol::Imap
                                    << TlsMode::Implicit
                                    << QStringLiteral(
                                           "mailscope-cli check h:9993 --protocol imap --tls implicit");
        QTest::newRow("quoted") << QStringList {QStringLiteral("mailscope-cli"), QStringLiteral("check"),
                                                QStringLiteral("h:25"), QStringLiteral("--helo"),
                                                QStringLiteral("it's me")}
                                << Protocol::Smtp << TlsMode::Implicit
                                << QStringLiteral(
                                       "mailscope-cli check h:25 --helo 'it'\\''s me' --tls implicit");
    }

    void rerunCommand()
    {
        QFETCH(QStringList, arguments);
        QFETCH(Protocol, protocol);
        QFETCH(TlsMode, tls);
        QFETCH(QString, command);
        RunSuggestion suggestion;
        suggestion.protocol = protocol;
        suggestion.tls = tls;
        // The run used SMTP with STARTTLS (what these ports default to).
        QCOMPARE(RerunCommand::build(arguments, suggestion, Protocol::Smtp, TlsMode::StartTls), command);
    }

    void reportsCarryTheSuggestion()
    {
        Run run;
        run.target.host = QStringLiteral("mx.example.org");
        run.target.port = 4650;
        const QJsonObject without = QJsonDocument::fromJson(ReportJson::toJson(run)).object();
        QVERIFY(!without.contains(QLatin1String("suggestion"))); // additive: absent unless learned
        QVERIFY(!ReportText::render(run).contains(QLatin1String("Try instead")));

        run.suggestion = RunSuggestion {Protocol::Imap, TlsMode::Implicit, QStringLiteral("Because.")};
        const QJsonObject with = QJsonDocument::fromJson(ReportJson::toJson(run)).object();
        QCOMPARE(with.value(QLatin1String("suggestion")).toObject(),
                 (QJsonObject {{QStringLiteral("protocol"), QStringLiteral("imap")},
                               {QStringLiteral("tls"), QStringLiteral("implicit")},
                               {QStringLiteral("reason"), QStringLiteral("Because.")}}));
        QCOMPARE(with.value(QLatin1String("schema_version")).toInt(), 1);

        ReportText::Options options;
        options.rerunCommand = QStringLiteral("mailscope-cli check mx.example.org:4650 --tls implicit");
        const QString text = ReportText::render(run, options);
        QVERIFY2(text.endsWith(
                     QLatin1String("\nTry instead\n  Because.\n  mailscope-cli check mx.example.org:4650 "
                                   "--tls implicit\n")),
                 qPrintable(text));
        QVERIFY(ReportText::render(run).endsWith(QLatin1String("\n  --protocol imap --tls implicit\n")));
    }
};

QTEST_GUILESS_MAIN(TestWrongPortHints)
#include "TestWrongPortHints.moc"

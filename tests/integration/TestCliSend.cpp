// mailscope-cli send end to end against the built-in demo server (in this process, 127.0.0.1):
// a message accepted with a queue id, a recipient refused (demo scenario relay-denied), lock-step
// with --pipelining off, and every usage error with exit code 3 before anything is sent.

#include "demo/DemoServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {
constexpr int CliTimeoutMs = 30000;

struct CliResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QString text() const { return QString::fromUtf8(out + err); }
};

QString steps(const QJsonObject& report)
{
    QStringList list;
    for (const QJsonValue& s : report.value(QLatin1String("steps")).toArray())
        list.append(s.toObject().value(QLatin1String("id")).toString() + QLatin1Char('=')
                    + s.toObject().value(QLatin1String("status")).toString());
    return list.join(QLatin1Char(' '));
}

QStringList findingIds(const QJsonObject& report)
{
    QStringList list;
    for (const QJsonValue& f : report.value(QLatin1String("findings")).toArray())
        list.append(f.toObject().value(QLatin1String("id")).toString());
    list.sort();
    return list;
}

/// The client lines recorded in `step`.
QStringList clientLines(const QJsonObject& report, const QString& step)
{
    QStringList lines;
    for (const QJsonValue& e : report.value(QLatin1String("transcript")).toArray()) {
        const QJsonObject o = e.toObject();
        if (o.value(QLatin1String("dir")).toString() == QLatin1String("C")
            && o.value(QLatin1String("step")).toString() == step)
            lines.append(o.value(QLatin1String("text")).toString());
    }
    return lines;
}
} // namespace

class TestCliSend final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void acceptedWithQueueId();
    void lockStepWithoutPipelining();
    void relayDenied();
    void usageErrors_data();
    void usageErrors();

private:
    CliResult run(const QStringList& args);
    QString smtp() const
    {
        return QStringLiteral("localhost:%1").arg(m_server.port(Protocol::Smtp, TlsMode::StartTls));
    }

    DemoServer m_server;
    QTemporaryDir m_dir;
};

void TestCliSend::initTestCase()
{
    QVERIFY2(m_server.start(0), qPrintable(m_server.errorString()));
    QVERIFY(m_dir.isValid());
}

CliResult TestCliSend::run(const QStringList& args)
{
    QProcess process;
    process.start(QStringLiteral(MAILSCOPE_CLI_PATH), args);
    CliResult result;
    // The demo server answers from this event loop, so wait with QTRY (which spins it).
    [&] { QTRY_VERIFY_WITH_TIMEOUT(process.state() == QProcess::NotRunning, CliTimeoutMs); }();
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished();
        return result;
    }
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -2;
    return result;
}

void TestCliSend::acceptedWithQueueId()
{
    m_server.setScenario(QStringLiteral("good"));
    QFile attachment(m_dir.filePath(QStringLiteral("report.bin")));
    QVERIFY(attachment.open(QIODevice::WriteOnly));
    attachment.write(QByteArray(20000, '\x01') + "secret-body-marker");
    attachment.close();
    const CliResult r =
        run({QStringLiteral("send"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
             QStringLiteral("--from"), QStringLiteral("Ann <ann@localhost>"), QStringLiteral("--to"),
             QStringLiteral("bob@localhost"), QStringLiteral("--cc"), QStringLiteral("cy@localhost"),
             QStringLiteral("--subject"), QStringLiteral("Grüße"), QStringLiteral("--body"),
             QStringLiteral("the-body-marker"), QStringLiteral("--attach"), attachment.fileName(),
             QStringLiteral("--header"), QStringLiteral("X-Ticket: 42"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(report.value(QLatin1String("verdict")).toString(), QStringLiteral("ok"));
    QCOMPARE(findingIds(report), QStringList());
    QCOMPARE(steps(report),
             QStringLiteral("resolve=ok connect=ok banner=ok greeting=ok starttls=ok tls-handshake=ok "
                            "greeting-tls=ok mail-from=ok rcpt-to=ok rcpt-to=ok data=ok quit=ok"));
    const QJsonObject message = report.value(QLatin1String("message")).toObject();
    QVERIFY(message.value(QLatin1String("message_id")).toString().endsWith(QLatin1String("@localhost>")));
    QVERIFY2(message.value(QLatin1String("queue_reply"))
                 .toString()
                 .startsWith(QLatin1String("250 2.0.0 Ok: queued as DEMO")),
             qPrintable(message.value(QLatin1String("queue_reply")).toString()));
    // The demo offers PIPELINING: the whole envelope in the mail-from step.
    QCOMPARE(clientLines(report, QStringLiteral("mail-from")).size(), 4);
    QVERIFY(clientLines(report, QStringLiteral("data")).contains(QStringLiteral("X-Ticket: 42")));
    // Headers, never the body or the attachment.
    QVERIFY(!r.out.contains("the-body-marker"));
    QVERIFY(!r.out.contains("dGhlLWJvZHktbWFya2Vy")); // its base64
    QVERIFY(!r.out.contains("AQEBAQEB")); // the attachment's base64
}

void TestCliSend::lockStepWithoutPipelining()
{
    m_server.setScenario(QStringLiteral("good"));
    const CliResult r =
        run({QStringLiteral("send"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
             QStringLiteral("--from"), QStringLiteral("ann@localhost"), QStringLiteral("--to"),
             QStringLiteral("bob@localhost"), QStringLiteral("--pipelining"), QStringLiteral("off"),
             QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 0, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(clientLines(report, QStringLiteral("mail-from")).size(), 1);
    QCOMPARE(clientLines(report, QStringLiteral("rcpt-to")),
             QStringList {QStringLiteral("RCPT TO:<bob@localhost>")});
    QCOMPARE(clientLines(report, QStringLiteral("data")).value(0), QStringLiteral("DATA"));
}

void TestCliSend::relayDenied()
{
    m_server.setScenario(QStringLiteral("relay-denied"));
    const CliResult r =
        run({QStringLiteral("send"), smtp(), QStringLiteral("--ca-file"), m_server.caFile(),
             QStringLiteral("--from"), QStringLiteral("ann@localhost"), QStringLiteral("--to"),
             QStringLiteral("bob@example.org"), QStringLiteral("--json")});
    QVERIFY2(r.exitCode == 2, qPrintable(r.text()));
    const QJsonObject report = r.json();
    QCOMPARE(findingIds(report), QStringList {QStringLiteral("recipient-relay-denied")});
    const QJsonObject finding = report.value(QLatin1String("findings")).toArray().at(0).toObject();
    QCOMPARE(finding.value(QLatin1String("detail")).toString(),
             QStringLiteral("bob@example.org: 554 5.7.1 <bob@example.org>: Relay access denied"));
    QCOMPARE(steps(report).section(QLatin1Char(' '), 7),
             QStringLiteral("mail-from=ok rcpt-to=failed data=skipped quit=ok"));
    QVERIFY(report.value(QLatin1String("message"))
                .toObject()
                .value(QLatin1String("queue_reply"))
                .toString()
                .isEmpty());
    m_server.setScenario(QStringLiteral("good"));
}

void TestCliSend::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    const auto row = [](const char* name, QStringList args, const char* mentions) {
        QTest::newRow(name) << (QStringList {QStringLiteral("send"), QStringLiteral("127.0.0.1:1")} + args)
                            << QString::fromUtf8(mentions);
    };
    row("no from", {"--to", "b@x.test"}, "--from is required");
    row("no to", {"--from", "a@x.test"}, "--to is required");
    row("bad address", {"--from", "a@x.test", "--to", "not an address"}, "not an address");
    row("body twice",
        {"--from", "a@x.test", "--to", "b@x.test", "--body", "x", "--body-file", "/etc/hostname"},
        "not both");
    row("missing attachment", {"--from", "a@x.test", "--to", "b@x.test", "--attach", "/nonexistent/f.bin"},
        "/nonexistent/f.bin");
    row("header injection", {"--from", "a@x.test", "--to", "b@x.test", "--header", "Bcc: c@x.test\r\nX: y"},
        "--header");
    row("header without colon", {"--from", "a@x.test", "--to", "b@x.test", "--header", "X-Test"}, "no colon");
    row("bad pipelining", {"--from", "a@x.test", "--to", "b@x.test", "--pipelining", "yes"}, "--pipelining");
    row("bad dsn", {"--from", "a@x.test", "--to", "b@x.test", "--dsn", "always"}, "--dsn");
    row("imap", {"--from", "a@x.test", "--to", "b@x.test", "--protocol", "imap"}, "SMTP only");
}

void TestCliSend::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    const CliResult r = run(args);
    QVERIFY2(r.exitCode == 3, qPrintable(QStringLiteral("exit %1: %2").arg(r.exitCode).arg(r.text())));
    QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
    QVERIFY2(r.out.isEmpty(), r.out.constData());
}

QTEST_GUILESS_MAIN(TestCliSend)
#include "TestCliSend.moc"

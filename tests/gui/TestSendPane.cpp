// The send pane against the real Postfix of the real-servers fixture: a saved profile for the
// submission port (STARTTLS, SASL through Dovecot) fills From/To with its message defaults; the
// pane is filled, sent after its one confirmation, and the outcome (the queue id Postfix gave)
// appears in the pane, on the timeline (steps mail-from, rcpt-to, data) and in the transcript.

#include "MainWindow.h"
#include "ProfileGuiHelpers.h"
#include "ProfileSidebar.h"
#include "RealServers.h"
#include "RunController.h"
#include "SendPane.h"
#include "ServerBar.h"

#include <QDir>
#include <QDockWidget>
#include <QFrame>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

class TestSendPane final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // A profile store of its own: the saved profile does not pile up between runs.
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mailscope-test-bus");
    }

    void sendsThroughPostfixAndShowsTheQueueId()
    {
        RealServers servers;
        QString error;
        QVERIFY2(servers.load(&error), qPrintable(error));

        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* pane = window.findChild<SendPane*>();
        QVERIFY(pane);
        auto* dock = window.findChild<QDockWidget*>(QStringLiteral("sendDock"));
        QVERIFY(dock);
        dock->show();

        // A saved profile for the fixture's SMTP port (STARTTLS; relays for 127.0.0.1), trusting the
        // fixture's CA, with test-message defaults.
        ServerProfile profile;
        profile.name = QStringLiteral("Send pane Postfix");
        profile.host = QStringLiteral("localhost");
        profile.port = servers.port(QStringLiteral("SMTP_PORT"));
        profile.caFiles = {servers.value(QStringLiteral("CA_FILE"))};
        profile.mailFrom = QStringLiteral("alice@mailscope.test");
        profile.rcptTo = {QStringLiteral("alice@mailscope.test")};
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        sidebar->saveAsProfile(profile, {});
        ProfileEditorDialog* editor = openEditor(window);
        QVERIFY(editor);
        QVERIFY(saveButton(editor)->isEnabled());
        saveButton(editor)->click();
        QTRY_VERIFY(sidebar->current().has_value());
        QCOMPARE(sidebar->current()->mailFrom, QStringLiteral("alice@mailscope.test"));
        // The profile's message defaults fill the pane.
        QCOMPARE(pane->fromEdit()->text(), QStringLiteral("alice@mailscope.test"));
        QCOMPARE(pane->toEdit()->text(), QStringLiteral("alice@mailscope.test"));

        pane->subjectEdit()->setText(QStringLiteral("Mailscope test message – Grüße"));
        pane->bodyEdit()->setPlainText(QStringLiteral("Hallo from the send pane.\n"));
        pane->headersEdit()->setPlainText(QStringLiteral("X-Mailscope-Gui: 1"));
        QTemporaryDir dir;
        QFile attachment(dir.filePath(QStringLiteral("notes.bin")));
        QVERIFY(attachment.open(QIODevice::WriteOnly));
        attachment.write(QByteArray(3000, '\xfe'));
        attachment.close();
        QVERIFY(pane->addAttachment(attachment.fileName()));

        // Send… asks first; nothing is sent before "Send now".
        QSignalSpy started(window.controller(), &RunController::runStarted);
        QTest::mouseClick(pane->sendButton(), Qt::LeftButton);
        QTRY_VERIFY(pane->confirmButton()->isVisible());
        QCOMPARE(started.count(), 0);
        QVERIFY(pane->preview()->toPlainText().contains(QLatin1String("X-Mailscope-Gui: 1")));
        QVERIFY(pane->preview()->toPlainText().contains(QLatin1String("Subject: =?UTF-8?")));

        QSignalSpy finished(window.controller(), &RunController::finished);
        QTest::mouseClick(pane->confirmButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const Run& run = window.controller()->run();
        QVERIFY(run.message);
        const QString queueId = run.message->queueReply.section(QLatin1String("queued as "), 1);
        QVERIFY2(!queueId.isEmpty(), qPrintable(run.message->queueReply));
        QCOMPARE(run.step(StepId::Data)->status, StepStatus::Ok);
        QCOMPARE(run.step(StepId::MailFrom)->status, StepStatus::Ok);
        QVERIFY2(pane->outcomeLabel()->text().contains(queueId), qPrintable(pane->outcomeLabel()->text()));
        QCOMPARE(pane->outcomeLabel()->text(), QStringLiteral("Accepted, queue id %1").arg(queueId));

        // The screenshot for the README (packaging/screenshots).
        const QString out = qEnvironmentVariable("MAILSCOPE_SCREENSHOT_DIR");
        if (!out.isEmpty())
            QVERIFY(window.grab().save(QDir(out).filePath(QStringLiteral("18-send-pane.png"))));
    }

private:
    QTemporaryDir m_home;
};

QTEST_MAIN(TestSendPane)
#include "TestSendPane.moc"

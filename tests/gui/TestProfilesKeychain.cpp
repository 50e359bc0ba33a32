// A profile's password in a real secret service (gnome-keyring under a private D-Bus session, see
// tests/integration/with-secret-service.sh), used for a login to the real Postfix submission port.
#include "ProfileGuiHelpers.h"
#include "profiles/ProfileStore.h"
#include "RealServers.h"
#include "RunController.h"
#include "RunHelpers.h"
#include "TestPrinters.h"

#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

class TestProfilesKeychain final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
                 "run through ctest: with-secret-service.sh provides the session bus and the keyring");
        QString error;
        QVERIFY2(m_servers.load(&error), qPrintable(error));
        QFile file(m_servers.value(QStringLiteral("TEST_PASSWORD_FILE")));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        m_password = file.readLine().trimmed();
        QVERIFY(m_password.size() >= 8); // long enough not to occur in a file by chance
        QCoreApplication::setOrganizationName(QStringLiteral("MailscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestProfilesKeychain"));
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
        QSettings().clear();
    }

    void storedPasswordLogsInWithoutAPromptAndIsInNoFile()
    {
        {
            MainWindow window;
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            ProfileSidebar* sidebar = window.serverBar()->profiles();
            sidebar->newProfile();
            ProfileEditorDialog* editor = openEditor(window);
            QVERIFY(editor);
            retype(field(editor, "nameEdit"), QStringLiteral("Submission"));
            retype(field(editor, "hostEdit"), QStringLiteral("localhost"));
            retype(field(editor, "portEdit"),
                   QString::number(m_servers.port(QStringLiteral("SUBMISSION_PORT"))));
            retype(field(editor, "userEdit"), m_servers.value(QStringLiteral("TEST_USER")));
            retype(field(editor, "passwordEdit"), QString::fromUtf8(m_password));
            editor->findChild<QListWidget*>(QStringLiteral("caFilesList"))
                ->addItem(m_servers.value(QStringLiteral("CA_FILE")));
            QVERIFY(saveButton(editor)->isEnabled());
            saveButton(editor)->click();
            QTRY_COMPARE_WITH_TIMEOUT(sidebar->notice(),
                                      QStringLiteral("The password is stored in the keychain."), 30000);
            const ServerProfile saved = *sidebar->store()->byName(QStringLiteral("Submission"));
            QVERIFY(saved.passwordStored);

            QSignalSpy finished(window.controller(), &RunController::finished);
            window.startRun();
            QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
            QVERIFY(!openDialog<QDialog>(window.serverBar(), QStringLiteral("credentialPrompt")));
            const Run& run = window.controller()->run();
            QCOMPARE(run.step(StepId::Auth)->status, StepStatus::Ok);
            QCOMPARE(findingIds(run), ids({}));
            window.close();
        }
        QCOMPARE(filesContaining(m_home.path(), m_password), QStringList());
        QVERIFY(QFileInfo::exists(ProfileStore::defaultPath()));
    }

private:
    RealServers m_servers;
    QByteArray m_password;
    QTemporaryDir m_home;
};

QTEST_MAIN(TestProfilesKeychain)
#include "TestProfilesKeychain.moc"

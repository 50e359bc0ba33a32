// Trust a certificate for a profile after a failed run, against the real Postfix of the real-servers
// fixture: no trusted CA vouches for its certificate until the profile accepts it (or its test CA).
#include "findings/FindingCatalogue.h"
#include "ProfileGuiHelpers.h"
#include "profiles/ProfileStore.h"
#include "RealServers.h"
#include "RunController.h"
#include "RunHelpers.h"
#include "TestPrinters.h"
#include "TrustCertificateDialog.h"

#include <QCryptographicHash>
#include <QLabel>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>

class TestProfilesPostfix final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_servers.load(&error), qPrintable(error));
        QCoreApplication::setOrganizationName(QStringLiteral("MailscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestProfilesPostfix"));
        QVERIFY(m_home.isValid());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toUtf8());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toUtf8());
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/mailscope-test-bus");
        QSettings().clear();
    }

    void trustTheCertificateAfterAFailedRunThenTheCa()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        ProfileSidebar* sidebar = window.serverBar()->profiles();
        sidebar->newProfile();
        ProfileEditorDialog* editor = openEditor(window);
        QVERIFY(editor);
        retype(field(editor, "nameEdit"), QStringLiteral("Test Postfix"));
        retype(field(editor, "hostEdit"), QStringLiteral("localhost"));
        retype(field(editor, "portEdit"), QString::number(m_servers.port(QStringLiteral("SMTP_PORT"))));
        QVERIFY(saveButton(editor)->isEnabled());
        saveButton(editor)->click();
        const QString id = sidebar->store()->byName(QStringLiteral("Test Postfix"))->id;
        QCOMPARE(sidebar->current()->id, id);

        QSignalSpy finished(window.controller(), &RunController::finished);
        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertUntrustedChain}));

        auto* trust = window.serverBar()->findChild<QPushButton*>(QStringLiteral("trustCertificateButton"));
        QVERIFY(trust->isVisible());
        trust->click();
        auto* dialog =
            openDialog<TrustCertificateDialog>(window.serverBar(), QStringLiteral("trustCertificateDialog"));
        QVERIFY(dialog);
        // The fingerprint of the fixture's leaf certificate, computed here from its file.
        const QList<QSslCertificate> leaf = QSslCertificate::fromPath(
            m_servers.value(QStringLiteral("CERT_DIR")) + QStringLiteral("/leaf.pem"));
        QCOMPARE(leaf.size(), 1);
        const QString expected =
            QString::fromLatin1(leaf.first().digest(QCryptographicHash::Sha256).toHex(':').toUpper());
        QCOMPARE(dialog->findChild<QLabel*>(QStringLiteral("fingerprintLabel"))->text(), expected);
        dialog->findChild<QPushButton*>(QStringLiteral("trustButton"))->click();
        QCOMPARE(sidebar->store()->byId(id)->acceptedCertificates.value(0).sha256, expected);

        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 60000);
        QCOMPARE(findingIds(window.controller()->run()), ids({FindingIds::CertTrustedByProfile}));
        QCOMPARE(window.controller()->run().verdict(), Verdict::Ok);
        // The override is visible where the profile is shown.
        QVERIFY(window.serverBar()
                    ->findChild<QLabel*>(QStringLiteral("profileSummary"))
                    ->text()
                    .contains(expected));

        // In the editor, the accepted certificate can be removed and the test CA added instead.
        sidebar->editCurrent();
        editor = openEditor(window);
        QVERIFY(editor);
        auto* accepted = editor->findChild<QListWidget*>(QStringLiteral("acceptedList"));
        QCOMPARE(accepted->count(), 1);
        accepted->setCurrentRow(0);
        editor->findChild<QPushButton*>(QStringLiteral("removeAcceptedButton"))->click();
        QCOMPARE(accepted->count(), 0);
        editor->findChild<QListWidget*>(QStringLiteral("caFilesList"))
            ->addItem(m_servers.value(QStringLiteral("CA_FILE")));
        saveButton(editor)->click();
        QCOMPARE(sidebar->store()->byId(id)->acceptedCertificates.size(), 0);

        window.startRun();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 3, 60000);
        QCOMPARE(findingIds(window.controller()->run()), ids({}));
    }

private:
    RealServers m_servers;
    QTemporaryDir m_home;
};

QTEST_MAIN(TestProfilesPostfix)
#include "TestProfilesPostfix.moc"

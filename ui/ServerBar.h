#pragma once

#include "run/Run.h"
#include "ServerChoice.h"

#include <functional>
#include <optional>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QStackedWidget;
class ProfileSidebar;
class RunController;

/**
 * The sidebar that says where a run goes: the built-in demo server (with a scenario picker, so
 * a newcomer can flip to a broken server and see what each finding looks like) or quick connect
 * (host:port with protocol, TLS mode and policy defaulting from the port). Produces a
 * ServerChoice. Beneath them the saved profiles (ProfileSidebar); quick connect has the same trust
 * and login fields as a profile, and "Save as profile". After a run whose certificate no trusted CA
 * vouches for, the page of that profile offers "Trust this certificate…" (TrustCertificateDialog).
 */
class ServerBar final : public QWidget
{
    Q_OBJECT

public:
    explicit ServerBar(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(ServerBar)

    ServerChoice choice() const;
    void setChoice(const ServerChoice& choice);
    /// Shown under the demo entry: where the demo server listens.
    void setDemoAddress(const QString& address);
    /// Locks the inputs while a run is in progress.
    void setRunning(bool running);
    ProfileSidebar* profiles() const { return m_profiles; }
    /// Follows the controller's runs (the trust offer after a run, the demo CA file).
    void attach(RunController* controller);
    /// The choice with the password its login needs (keychain, else asked): `done` runs once, or
    /// never when the user cancels the password prompt.
    void resolveChoice(std::function<void(const ServerChoice&)> done);
    /// Opens the trust dialog for the last run's certificate (the "Trust this certificate…" button).
    void offerTrust();

    /// Parses "host", "host:port" or "[v6]:port"; port 0 when none was given.
    static bool parseHostPort(const QString& text, QString* host, quint16* port);

Q_SIGNALS:
    void choiceChanged();
    /// Enter pressed in the quick-connect field.
    void runRequested();
    /// A run was asked for while a mail domain profile is chosen: it is checked in the domain
    /// window (DomainFeature), not by the main window's run.
    void domainCheckRequested(const ServerProfile& profile);

private:
    /// Makes the quick-connect page (host, protocol, TLS, policy) the first time it is needed.
    void ensureQuickPage();
    void onServerRowChanged(int row);
    void onScenarioChanged(int index);
    void onHostEdited(const QString& text);
    void applyPortDefaults(quint16 port);
    void onProfileChanged();
    void onRunFinished(const Run& run, const QString& demoCaFile);
    void updateProfilePage();
    /// Quick connect as an unsaved profile (its trust and login fields included).
    ServerProfile quickProfile() const;
    void saveQuickAsProfile();

    QListWidget* m_servers = nullptr;
    QStackedWidget* m_pages = nullptr;
    QComboBox* m_scenarioCombo = nullptr;
    QComboBox* m_demoServiceCombo = nullptr;
    QLabel* m_scenarioDescription = nullptr;
    QLabel* m_demoAddress = nullptr;
    QLineEdit* m_hostEdit = nullptr;
    QComboBox* m_protocolCombo = nullptr;
    QComboBox* m_tlsCombo = nullptr;
    QComboBox* m_policyCombo = nullptr;
    QCheckBox* m_insecureCheck = nullptr;
    QLineEdit* m_caFileEdit = nullptr;
    QLineEdit* m_userEdit = nullptr;
    QLineEdit* m_passwordEdit = nullptr;
    QComboBox* m_mechanismCombo = nullptr;
    QPushButton* m_quickTrustButton = nullptr;
    ProfileSidebar* m_profiles = nullptr;
    QLabel* m_profileSummary = nullptr;
    QPushButton* m_trustButton = nullptr;
    QPushButton* m_demoCaButton = nullptr;
    /// The last finished run's certificate that a profile could accept, and whose run it was
    /// (a profile id, or "quick").
    std::optional<CertificateInfo> m_trustCandidate;
    QString m_trustTarget;
    QString m_runTarget;
    QString m_demoCaFile;
    bool m_protocolTouched = false;
    bool m_tlsTouched = false;
};

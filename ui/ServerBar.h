#pragma once

#include "ServerChoice.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QStackedWidget;

/**
 * The sidebar that says where a run goes: the built-in demo server (with a scenario picker, so
 * a newcomer can flip to a broken server and see what each finding looks like) or quick connect
 * (host:port with protocol, TLS mode and policy defaulting from the port). Produces a
 * ServerChoice; saved profiles plug in here later.
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

    /// Parses "host", "host:port" or "[v6]:port"; port 0 when none was given.
    static bool parseHostPort(const QString& text, QString* host, quint16* port);

Q_SIGNALS:
    void choiceChanged();
    /// Enter pressed in the quick-connect field.
    void runRequested();

private:
    /// Makes the quick-connect page (host, protocol, TLS, policy) the first time it is needed.
    void ensureQuickPage();
    void onServerRowChanged(int row);
    void onScenarioChanged(int index);
    void onHostEdited(const QString& text);
    void applyPortDefaults(quint16 port);

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
    bool m_protocolTouched = false;
    bool m_tlsTouched = false;
};

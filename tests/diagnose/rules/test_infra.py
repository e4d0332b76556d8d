"""Rule table for heal.diagnose.rules.infra: real outputs, the command and exit status, and the rule that must win
(or must not). See table.py for the row kinds and where outputs come from."""

from __future__ import annotations

import pytest

from .table import Match, NoMatch, check, from_fixture, ids

ROWS = [
    # shared/benchmarks/thefuck_cases.jsonl case 45 (thefuck tests/rules/test_docker_image_being_used_by_container.py), the whole log_tail
    Match('docker.conflict', 'Error response from daemon: conflict: unable to delete cd809b04b6ff (cannot be forced) - image is being used by running container e5e2591040d1',
          argv=['docker', 'image', 'rm', '-f', 'cd809b04b6ff'], exit_code=None, category='deployment',
          facts={'tool': 'docker'},
          source='shared/benchmarks/thefuck_cases.jsonl case 45 (thefuck tests/rules/test_docker_image_being_used_by_container.py), the whole log_tail'),
    from_fixture('docker.conflict', 'docker.daemon', 'docker-run-daemon-not-running'),
    # quoted from github.com/microservices-demo/microservices-demo/issues/780 (its first 12 pods), as a saved log
    Match('kubernetes.pod_state', (
        'NAME                            READY     STATUS             RESTARTS   AGE\n'
        'carts-6dfdcd59f8-7wsp8          0/1       ImagePullBackOff   0          8h\n'
        'carts-db-6c9b649b49-zwqc8       0/1       ImagePullBackOff   0          8h\n'
        'catalogue-7d7f9f87f-mmzt4       0/1       ErrImagePull       0          8h\n'
        'catalogue-db-745c877d4f-c48wp   0/1       ImagePullBackOff   0          8h\n'
        'front-end-6f779bdb68-67mjp      0/1       ImagePullBackOff   0          8h\n'
        'orders-5c4f477565-kp4j7         0/1       ImagePullBackOff   0          8h\n'
        'orders-db-db498cfb9-5tm9x       0/1       ImagePullBackOff   0          8h\n'
        'payment-5df6dc6bcc-lzpjr        0/1       ErrImagePull       0          8h\n'
        'queue-master-787b68b7fd-5ljj4   0/1       ErrImagePull       0          8h\n'
        'rabbitmq-86fcc47fc-4nj5n        0/1       ImagePullBackOff   0          8h\n'
        'shipping-64f8c7558c-dck6c       0/1       ImagePullBackOff   0          8h\n'
        'user-7848fb86db-8rwp5           0/1       ErrImagePull       0          8h\n'
    ),
          argv=['kubectl', '-n', 'sock-shop', 'get', 'pods'], exit_code=None, category='deployment',
          facts={'state': 'ErrImagePull', 'tool': 'kubectl'},
          source='quoted from github.com/microservices-demo/microservices-demo/issues/780 (its first 12 pods), as a saved log'),
    from_fixture('kubernetes.pod_state', 'kubectl.server_error', 'kubectl-apply-namespace-not-found'),
    # helm's own golden output: helm/helm pkg/cmd/testdata/output/install-lib-chart.txt (pkg/cmd/install_test.go runs `install libchart testdata/testcharts/lib-chart`)
    Match('helm.failed', 'Error: INSTALLATION FAILED: validation: chart.metadata.type must be application or library\n',
          argv=['helm', 'install', 'libchart', 'testdata/testcharts/lib-chart'], exit_code=1, category='deployment',
          facts={'tool': 'helm', 'op': 'INSTALLATION'},
          source="helm's own golden output: helm/helm pkg/cmd/testdata/output/install-lib-chart.txt (pkg/cmd/install_test.go runs `install libchart testdata/testcharts/lib-chart`)"),
    # helm's own golden output: helm/helm pkg/cmd/testdata/output/upgrade-with-pending-install.txt
    Match('helm.failed', 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n',
          argv=['helm', 'upgrade', 'funny-bunny', 'testdata/testcharts/alpine'], exit_code=1, category='deployment',
          facts={'tool': 'helm', 'op': 'UPGRADE'},
          source="helm's own golden output: helm/helm pkg/cmd/testdata/output/upgrade-with-pending-install.txt"),
    # quoted from github.com/cilium/cilium/issues/18806 (helm 3)
    NoMatch('helm.failed', 'helm.unreachable', 'Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version?timeout=32s": dial tcp [::1]:8080: connect: connection refused\n',
            argv=['helm', 'install', 'cilium', 'cilium/cilium', '--version', '1.11.1', '--namespace', 'kube-system'], exit_code=1,
            source='quoted from github.com/cilium/cilium/issues/18806 (helm 3)'),
    # quoted from github.com/cilium/cilium/issues/18806 (helm 3)
    Match('helm.unreachable', 'Error: Kubernetes cluster unreachable: Get "http://localhost:8080/version?timeout=32s": dial tcp [::1]:8080: connect: connection refused\n',
          argv=['helm', 'install', 'cilium', 'cilium/cilium', '--version', '1.11.1', '--namespace', 'kube-system'], exit_code=1, category='network',
          facts={'tool': 'helm'},
          source='quoted from github.com/cilium/cilium/issues/18806 (helm 3)'),
    # quoted from github.com/dysonfrost/arkollama-k3s docs/troubleshooting.md (an earlier revision): helm 4 writes 'kubernetes' in lower case (helm/helm pkg/kube/client.go IsReachable, since v4.0.0)
    Match('helm.unreachable', 'Error: kubernetes cluster unreachable: Get "https://127.0.0.1:6443/version": tls: failed to verify certificate: x509: certificate signed by unknown authority\n',
          argv=[], exit_code=None, category='network',
          facts={'tool': 'helm'},
          source="quoted from github.com/dysonfrost/arkollama-k3s docs/troubleshooting.md (an earlier revision): helm 4 writes 'kubernetes' in lower case (helm/helm pkg/kube/client.go IsReachable, since v4.0.0)"),
    # kubectl's wording for the same missing cluster
    from_fixture('helm.unreachable', 'kubectl.no_config', 'kubectl-no-kubeconfig-localhost-8080'),
    # shared/benchmarks/thefuck_cases.jsonl case 6 (thefuck tests/rules/test_terraform_init.py), the whole log_tail
    Match('terraform.not_installed_module', 'This module is not yet installed. Run "terraform init" to install all modules required by this configuration.',
          argv=['terraform', 'plan'], exit_code=None, category='dependency',
          facts={'tool': 'terraform', 'run_first': 'terraform init'},
          source='shared/benchmarks/thefuck_cases.jsonl case 6 (thefuck tests/rules/test_terraform_init.py), the whole log_tail'),
    # terraform's full Error: block decides, with the same category
    from_fixture('terraform.not_installed_module', 'terraform.error', 'terraform-plan-module-not-installed'),
]


@pytest.mark.parametrize("row", ROWS, ids=ids(ROWS))
def test_rule_table(row):
    check(row)

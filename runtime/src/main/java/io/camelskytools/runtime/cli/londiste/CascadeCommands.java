package io.camelskytools.runtime.cli.londiste;

import java.sql.Connection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.camelskytools.londiste.admin.CascadeAdmin;
import io.camelskytools.londiste.admin.Resurrection;
import io.camelskytools.londiste.node.LondisteException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The cascade commands of londiste3 that act on several nodes: takeover (switchover and
 * failover), change-provider, tag-dead, tag-alive, drop-node, rename-node.
 */
final class CascadeCommands {

    private CascadeCommands() {
    }

    /** A subcommand run by a {@link CascadeAdmin} started from this node. */
    abstract static class CascadeSub extends LondisteCommand.Sub {
        @Option(names = "--timeout", paramLabel = "SECONDS",
                description = "How long to wait for a worker to acknowledge or catch up (default 300).")
        long timeout = 300;

        @Option(names = "--dead", paramLabel = "NODE", description = "Treat this node as dead (repeatable).")
        List<String> dead = new ArrayList<>();

        @Override
        int run(Connection c) throws Exception {
            node(c);
            local = c;
            try (CascadeAdmin admin = new CascadeAdmin(cf.queueName(), c, Duration.ofSeconds(timeout),
                    line -> out().println(line))) {
                admin.assumeDead(dead);
                run(admin);
            }
            return 0;
        }

        private Connection local;

        /** The connection to this node's database. */
        Connection local() {
            return local;
        }

        abstract void run(CascadeAdmin admin) throws Exception;
    }

    @Command(name = "takeover", mixinStandardHelpOptions = true,
             description = "Take over from node OLD: a root's role (switchover; failover with --dead-root) or a"
                           + " branch's place.")
    static final class Takeover extends CascadeSub {
        @Parameters(paramLabel = "OLD")
        String oldNode;

        @Option(names = "--node", paramLabel = "NODE", description = "The node that takes over (default: this one).")
        String newNode;

        @Option(names = "--all", description = "Move every other subscriber of OLD to the new node first.")
        boolean all;

        @Option(names = "--dead-root", description = "OLD is a dead root: failover.")
        boolean deadRoot;

        @Option(names = "--dead-branch", description = "OLD is a dead branch: failover.")
        boolean deadBranch;

        @Override
        void run(CascadeAdmin admin) throws Exception {
            if (deadRoot && deadBranch) {
                throw new IllegalArgumentException("--dead-root and --dead-branch exclude each other");
            }
            CascadeAdmin.OldNode how = deadRoot ? CascadeAdmin.OldNode.DEAD_ROOT
                    : deadBranch ? CascadeAdmin.OldNode.DEAD_BRANCH : CascadeAdmin.OldNode.ALIVE;
            admin.takeover(oldNode, newNode != null ? newNode : admin.localNode(), all, how);
        }
    }

    @Command(name = "change-provider", mixinStandardHelpOptions = true,
             description = "Make a node's worker (or a consumer) read from another node.")
    static final class ChangeProvider extends CascadeSub {
        @Option(names = "--provider", paramLabel = "NODE", required = true, description = "The new provider node.")
        String provider;

        @Option(names = "--node", paramLabel = "NODE", description = "The node to move (default: this one).")
        String node;

        @Option(names = "--consumer", paramLabel = "NAME", description = "A consumer other than the node's worker.")
        String consumer;

        @Override
        void run(CascadeAdmin admin) throws Exception {
            admin.changeProvider(node != null ? node : admin.localNode(), consumer, provider);
        }
    }

    @Command(name = "tag-dead", mixinStandardHelpOptions = true, description = "Mark nodes dead on every live member.")
    static final class TagDead extends CascadeSub {
        @Parameters(paramLabel = "NODE", arity = "1..*")
        List<String> nodes;

        @Override
        void run(CascadeAdmin admin) throws Exception {
            for (String n : nodes) {
                admin.tagDead(n);
            }
        }
    }

    @Command(name = "tag-alive", mixinStandardHelpOptions = true,
             description = "Clear the dead mark of nodes on every live member.")
    static final class TagAlive extends CascadeSub {
        @Parameters(paramLabel = "NODE", arity = "1..*")
        List<String> nodes;

        @Override
        void run(CascadeAdmin admin) throws Exception {
            for (String n : nodes) {
                admin.tagAlive(n);
            }
        }
    }

    @Command(name = "drop-node", mixinStandardHelpOptions = true,
             description = "Remove a node without subscribers from the cascade.")
    static final class DropNode extends CascadeSub {
        @Parameters(paramLabel = "NODE")
        String node;

        @Override
        void run(CascadeAdmin admin) throws Exception {
            admin.dropNode(node);
        }
    }

    @Command(name = "resurrect", mixinStandardHelpOptions = true,
             description = "Bring an old root back as a branch after a failover; its lost events go to "
                           + Resurrection.DUMP_FILE + " in the current directory. The worker stays paused.")
    static final class Resurrect extends CascadeSub {
        @Override
        void run(CascadeAdmin admin) throws Exception {
            new Resurrection(cf.queueName(), line -> out().println(line)).run(local(), Path.of(Resurrection.DUMP_FILE));
        }
    }

    @Command(name = "rename-node", mixinStandardHelpOptions = true, description = "Not supported (see the message).")
    static final class RenameNode extends CascadeSub {
        @Parameters(paramLabel = "OLD")
        String oldName;

        @Parameters(paramLabel = "NEW")
        String newName;

        @Override
        void run(CascadeAdmin admin) {
            // pgq_node 3.5 has no rename_node_step1/2: londiste3 advertises the command and fails in SQL
            throw new LondisteException(400, "rename-node is not supported: node names are keys in every member's"
                                             + " pgq_node tables and in the queue's consumers; add a node under the"
                                             + " new name (create-branch/create-leaf), move subscribers to it with"
                                             + " change-provider or takeover, then drop-node " + oldName);
        }
    }
}

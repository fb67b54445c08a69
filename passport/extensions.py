"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from passport.db import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
bootstrap = Bootstrap5()  # serves Bootstrap's CSS from /bootstrap/static (BOOTSTRAP_SERVE_LOCAL)
